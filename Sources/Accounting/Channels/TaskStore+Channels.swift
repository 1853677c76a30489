import Foundation
import Postgres

extension TaskStore {
    /// Names the channel a reserved task is about to be sent to (or was found on), before the send:
    /// a crash between the send and its answer leaves the task pointing at the one channel that may
    /// have it, so that recovery asks there (docs/channels.md, "Routing and failover").
    public func recordChannel(taskID: UUID, channelID: String) async throws {
        try await pool.execute("""
            UPDATE tasks SET channel_id = \(channelID)
            WHERE id = \(taskID) AND state = 'reserved' AND channel_id IS DISTINCT FROM \(channelID)
            """)
    }
}
