import Foundation
import Pricing

/// What the gateway needs from a validated create body, video or image.
public protocol OmniCreateRequest: Sendable {
    /// Validates a tenant's body exactly as the upstream would (1200/1201).
    static func parse(_ body: Data) throws(KlingError) -> Self
    /// The body with the upstream's defaults written in and `model` renamed `model_name`.
    var body: [String: JSONValue] { get }
    var model: String { get }
    /// The tenant's own `external_task_id`.
    var externalTaskID: String? { get }
    /// The tenant's own `callback_url`.
    var callbackURL: String? { get }
    /// The inputs that price the task.
    var priceRequest: PriceRequest { get }
}

extension OmniCreateRequest {
    /// The body to send upstream: the gateway's own task id as external_task_id
    /// (so a lost submission can be found again), and the gateway's callback
    /// URL, or none at all.
    public func upstreamBody(externalTaskID: String, callbackURL: String?) -> [String: JSONValue] {
        var upstream = body
        upstream["external_task_id"] = .string(externalTaskID)
        if let callbackURL {
            upstream["callback_url"] = .string(callbackURL)
        } else {
            upstream.removeValue(forKey: "callback_url")
        }
        return upstream
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// Removes the members among `keys` whose value is null: a null known
    /// field means "absent", and is not forwarded as null.
    func removingNulls(of keys: [String]) -> [String: JSONValue] {
        var copy = self
        for key in keys where copy[key] == .null { copy.removeValue(forKey: key) }
        return copy
    }
}
