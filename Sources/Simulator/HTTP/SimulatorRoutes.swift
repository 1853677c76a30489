import Hummingbird

/// The upstream's routes, under both `/kling/v1/` (relays) and `/v1/` (native):
/// create, query one task (by task_id or external_task_id), list.
struct SimulatorRoutes: Sendable {
    static let prefixes = ["kling/v1", "v1"]

    let config: SimulatorConfig
    let store: TaskStore
    let callbacks: CallbackDispatcher

    func register(on router: Router<SimulatorContext>) {
        for prefix in Self.prefixes {
            for kind in SimulatedKind.allCases {
                let path = "\(prefix)/\(kind.path)"
                router.post(RouterPath(path)) { request, context in
                    try await create(kind, request: request, context: context)
                }
                router.get(RouterPath("\(path)/:id")) { request, context in
                    try await query(kind, request: request, context: context)
                }
                router.get(RouterPath(path)) { request, context in
                    try await list(kind, request: request, context: context)
                }
            }
        }
    }
}

extension SimulatorRoutes {
    /// The caller's account, or 401 (counted).
    func authenticate(_ request: Request) async throws -> String {
        do {
            return try BearerToken.account(request, config: config)
        } catch {
            await store.count(.authRefused)
            throw error
        }
    }
}
