import Foundation
import Hummingbird
import NIOCore

/// The request context: Hummingbird's storage, the `request_id` every answer
/// carries, and the connection, which the lost-answer fault may drop.
struct SimulatorContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let requestID: String
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = UUID().uuidString.lowercased()
        channel = source.channel
    }

    /// Base64 images may be 10 MB each.
    var maxUploadSize: Int { 64 * 1024 * 1024 }
}
