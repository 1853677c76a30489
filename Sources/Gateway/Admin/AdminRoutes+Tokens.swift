import Accounting
import Hummingbird

extension AdminRoutes {
    /// `POST /admin/v1/tokens`, and beside the contract: `GET` (list) and `DELETE /tokens/{id}` (revoke), admin only.
    func registerTokens(on admin: RouterGroup<AdminContext>) {
        let tokens = AdminTokenStore(pool: pool)

        admin.post("tokens") { request, context -> Response in
            let caller = try context.caller()
            let body = try await AdminBody.read(request, context: context)
            let name = try body.field("name", .name).required("name")
            let role = try body.field("role", FieldRule<AdminRole>.choice).required("role")
            let (token, secret) = try await tokens.create(name: name, role: role, actor: caller.actor)
            context.logger.info("admin token created", metadata: ["token_id": "\(token.id.uuidString.lowercased())", "role": "\(role.rawValue)"])
            return try JSONResponse.make(RevealedSecret(resource: token, field: "token", secret: secret), status: .created)
        }

        admin.get("tokens") { _, context -> Response in
            _ = try context.requireAdmin()
            return try JSONResponse.make(Page(items: try await tokens.list(), nextCursor: nil))
        }

        admin.delete("tokens/{id}") { _, context -> Response in
            let caller = try context.caller()
            let id = try AdminRequest.id(context, "admin token")
            guard let token = try await tokens.revoke(id: id, actor: caller.actor) else { throw AdminAPIError.notFound("admin token") }
            context.logger.info("admin token revoked", metadata: ["token_id": "\(id.uuidString.lowercased())"])
            return try JSONResponse.make(token)
        }
    }
}
