import Hummingbird
import Postgres

/// `/healthz` (the process answers) and `/readyz` (the database answers too).
struct HealthRoutes: Sendable {
    let pool: PostgresPool

    func register(on router: Router<GatewayContext>) {
        router.get("healthz") { _, _ in
            JSONResponse.json(["status": "ok"])
        }
        router.get("readyz") { _, _ in
            do {
                _ = try await pool.query("SELECT 1 AS ready")
                return JSONResponse.json(["status": "ready"])
            } catch {
                return JSONResponse.json(["status": "database unavailable"], status: .serviceUnavailable)
            }
        }
    }
}
