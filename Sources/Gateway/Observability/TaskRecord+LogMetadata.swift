import Accounting
import Foundation
import Logging

extension TaskRecord {
    /// What every log line about a task carries: `task_id` and `tenant_id`, in lower case as the API shows
    /// them (so a tenant's id can be searched for as it is), plus `extra`. Never a key, token or body.
    func logMetadata(_ extra: Logger.Metadata = [:]) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["task_id": "\(id.uuidString.lowercased())", "tenant_id": "\(tenantID.uuidString.lowercased())"]
        metadata.merge(extra) { _, given in given }
        return metadata
    }
}
