import Foundation
import Hummingbird

/// The request context of every route: Hummingbird's core storage plus omnimeter's request id,
/// which every tenant response carries as `request_id`.
public struct GatewayContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let requestID: String

    public init(source: Source) {
        coreContext = .init(source: source)
        requestID = UUID().uuidString.lowercased()
    }

    /// Bodies above this are refused before they are read.
    public var maxUploadSize: Int { 4 * 1024 * 1024 }
}
