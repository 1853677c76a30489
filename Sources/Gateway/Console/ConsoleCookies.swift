import Accounting
import Foundation
import Hummingbird

/// The session cookies: `HttpOnly`, `SameSite=Strict`, scoped to their own path, `Secure` when the
/// deployment's public URL is https.
struct ConsoleCookies: Sendable {
    let secure: Bool

    init(config: GatewayConfig) {
        secure = config.publicURL?.scheme?.lowercased() == "https"
    }

    static func name(_ kind: ConsoleSessionKind) -> String {
        kind == .console ? "omnimeter_console" : "omnimeter_portal"
    }

    static func path(_ kind: ConsoleSessionKind) -> String {
        kind == .console ? "/console" : "/portal"
    }

    func session(_ kind: ConsoleSessionKind, secret: String) -> Cookie {
        Cookie(name: Self.name(kind), value: secret, maxAge: Int(ConsoleSessionStore.lifetime), path: Self.path(kind),
               secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// Tells the browser to forget the cookie (the session itself is ended server-side).
    func cleared(_ kind: ConsoleSessionKind) -> Cookie {
        Cookie(name: Self.name(kind), value: "", maxAge: 0, path: Self.path(kind), secure: secure, httpOnly: true, sameSite: .strict)
    }
}
