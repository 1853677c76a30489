import Hummingbird

/// A page that cannot be shown: answered as an HTML error page with this status and message.
struct ConsoleFailure: Error, Sendable {
    var status: HTTPResponse.Status
    var message: String

    static func notFound(_ what: String) -> ConsoleFailure { ConsoleFailure(status: .notFound, message: "\(what) not found") }
    static let badCSRF = ConsoleFailure(status: .forbidden, message: "the form's CSRF token is missing or wrong: reload the page and try again; nothing was changed")
    static let readOnly = ConsoleFailure(status: .forbidden, message: "this sign-in may only read; nothing was changed")
}
