import Foundation
import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's core storage plus omnimeter's request id,
/// which every tenant response carries as `request_id`.
public struct GatewayContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let requestID: String
    /// The connection, which a stalled CSV download closes (`ReportRoutes.usageCSV`).
    public let channel: any Channel

    public init(source: Source) {
        coreContext = .init(source: source)
        requestID = UUID().uuidString.lowercased()
        channel = source.channel
    }

    /// Bodies above this are refused before they are read.
    public var maxUploadSize: Int { 4 * 1024 * 1024 }
}

/// A context that knows its connection, so that a handler can close it (a download nobody reads).
public protocol ConnectionRequestContext {
    var channel: any Channel { get }
}

extension GatewayContext: ConnectionRequestContext {}
