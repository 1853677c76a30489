import Accounting
import Hummingbird

/// Every signed-in page of one area (console or portal). Without a live session, a GET is sent to the
/// sign-in page and anything else is 403. A POST must carry the session's CSRF token (else 403,
/// before any handler runs, so nothing changes), and only an admin console session may change things;
/// signing out is the one POST every session may make.
struct ConsoleSessionMiddleware: RouterMiddleware {
    typealias Context = ConsoleContext
    let kind: ConsoleSessionKind
    let store: ConsoleSessionStore

    func handle(_ request: Request, context: ConsoleContext, next: (Request, ConsoleContext) async throws -> Response) async throws -> Response {
        let isRead = request.method == .get || request.method == .head
        guard let secret = request.cookies[ConsoleCookies.name(kind)]?.value,
              let session = try await store.find(secret: secret, kind: kind)
        else {
            if isRead { return ConsolePages.redirect("\(ConsoleCookies.path(kind))/login") }
            throw ConsoleFailure(status: .forbidden, message: "not signed in, or the session has ended; nothing was changed")
        }
        var context = context
        context.session = session
        context.secret = secret
        if !isRead {
            let form = try await ConsoleForm.read(request, context: context)
            guard ConsoleCSRF.matches(form.fields["csrf"]?.first, sessionSecret: secret) else { throw ConsoleFailure.badCSRF }
            let signingOut = request.uri.path.hasSuffix("/logout")
            guard signingOut || session.mayWrite else { throw ConsoleFailure.readOnly }
            context.form = form
        }
        return try await next(request, context)
    }
}
