import Foundation

extension GatewayConfig {
    var pollSeconds: Double { Double(pollInterval.components.seconds) + Double(pollInterval.components.attoseconds) / 1e18 }
    var taskTimeoutSeconds: Double { Double(taskTimeout.components.seconds) }
    /// After a failed look, wait longer (bounded) before the next.
    var backoffSeconds: Double { min(max(pollSeconds * 4, 1), 60) }

    func seconds(_ delay: FollowDecision.Delay) -> Double {
        switch delay {
        case .poll: pollSeconds
        case .backoff: backoffSeconds
        }
    }
}
