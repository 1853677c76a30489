import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The console's and portal's HTML: Mustache templates from `Templates/`, embedded in the binary at
/// build time. Mustache escapes every `{{value}}` for HTML; the one unescaped slot per chart,
/// `{{{chart_svg}}}`, takes only markup that SVGChart drew and escaped itself.
struct ConsolePages: Sendable {
    let library: MustacheLibrary

    static let templates: [(name: String, bytes: [UInt8])] = [
        ("layout", PackageResources.layout_mustache), ("login", PackageResources.login_mustache),
        ("error", PackageResources.error_mustache), ("overview", PackageResources.overview_mustache),
        ("tenants", PackageResources.tenants_mustache), ("tenant", PackageResources.tenant_mustache),
        ("tasks", PackageResources.tasks_mustache), ("ledger", PackageResources.ledger_mustache),
        ("prices", PackageResources.prices_mustache), ("reports", PackageResources.reports_mustache),
        ("reconcile", PackageResources.reconcile_mustache), ("audit", PackageResources.audit_mustache),
        ("portal", PackageResources.portal_mustache),
        ("deliveries", PackageResources.deliveries_mustache), ("statements", PackageResources.statements_mustache),
        ("channels", PackageResources.channels_mustache), ("events", PackageResources.events_mustache),
    ]

    static var stylesheet: String { String(decoding: PackageResources.style_css, as: UTF8.self) }

    /// Parsed once; a template that does not parse is a defect of this repository, caught by the tests.
    static let shared: ConsolePages = {
        var library = MustacheLibrary()
        for template in templates {
            do {
                try library.register(String(decoding: template.bytes, as: UTF8.self), named: template.name)
            } catch {
                preconditionFailure("console template \(template.name) does not parse: \(error)")
            }
        }
        return ConsolePages(library: library)
    }()

    /// The page's HTML text.
    func html(_ template: String, _ values: [String: Any]) -> String {
        library.render(values, withTemplate: template) ?? "template \(template) missing"
    }

    /// Headers of every page: no caching of signed-in pages, and a policy that runs no script at all
    /// (so even a value that slipped through escaping could not execute) and posts forms only here.
    static let securityHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .cacheControl: "no-store",
        .contentSecurityPolicy: "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        .xContentTypeOptions: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "same-origin",
    ]

    func response(_ template: String, _ values: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: Self.securityHeaders,
                 body: .init(byteBuffer: ByteBuffer(string: html(template, values))))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    static func stylesheetResponse() -> Response {
        Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                 body: .init(byteBuffer: ByteBuffer(string: stylesheet)))
    }
}
