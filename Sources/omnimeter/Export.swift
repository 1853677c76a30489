import Accounting
import ArgumentParser
import Foundation
import Gateway
import Postgres

/// `omnimeter export`: the usage CSV of `GET /admin/v1/reports/usage.csv`, byte for byte, for cron.
/// Runs no migrations: it only reads. Its database is the one every command reads from the
/// environment (`OMNIMETER_DATABASE_URL`, else the run command's), named in its errors.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the usage CSV (one row per task that ended in [from, to)), as GET /admin/v1/reports/usage.csv does."
    )

    @Option(help: "Start, inclusive: RFC 3339 or YYYY-MM-DD (UTC midnight).")
    var from: String

    @Option(help: "End, exclusive: RFC 3339 or YYYY-MM-DD (UTC midnight).")
    var to: String

    @Option(name: .customLong("tenant-id"), help: "Only this tenant's tasks.")
    var tenantID: String?

    @Option(help: "File to write, or - for standard output. A file appears only when complete.")
    var output: String = "-"

    func run() async throws {
        let config = Startup.config()
        let logger = Startup.logger("omnimeter.export")
        guard let fromDate = RFC3339.parse(from) else { Startup.fail("omnimeter export: --from: expected RFC 3339 or YYYY-MM-DD, got \(from)") }
        guard let toDate = RFC3339.parse(to) else { Startup.fail("omnimeter export: --to: expected RFC 3339 or YYYY-MM-DD, got \(to)") }
        guard let period = ReportPeriod(from: fromDate, to: toDate) else { Startup.fail("omnimeter export: --from must be before --to") }
        var tenant: UUID?
        if let tenantID {
            guard let id = UUID(uuidString: tenantID) else { Startup.fail("omnimeter export: --tenant-id: not an id: \(tenantID)") }
            tenant = id
        }

        let pool = PostgresPool(url: config.readDatabaseURL, maxConnections: 1, logger: logger)
        let export = UsageExport(pool: pool)
        // A file is written beside its final name and renamed when complete, so a cron job never
        // leaves a truncated export under the name a reader expects.
        let partial = output == "-" ? nil : output + ".partial"
        do {
            guard try await export.canExport(tenantID: tenant) else {
                throw ValidationError("--tenant-id: no tenant \(tenant?.uuidString.lowercased() ?? "") in database \(config.databaseName)")
            }
            let handle: FileHandle
            if let partial {
                guard FileManager.default.createFile(atPath: partial, contents: nil) else {
                    throw ValidationError("--output: cannot create \(partial)")
                }
                handle = try FileHandle(forWritingTo: URL(fileURLWithPath: partial))
            } else {
                handle = FileHandle.standardOutput
            }
            try await export.write(period: period, tenantID: tenant) { chunk in
                try handle.write(contentsOf: chunk)
            }
            if let partial {
                try handle.close()
                guard rename(partial, output) == 0 else {
                    throw ValidationError("--output: cannot rename \(partial) to \(output): \(String(cString: strerror(errno)))")
                }
            }
        } catch {
            await pool.close()
            if let partial { unlink(partial) }
            if error is PostgresError { Startup.databaseFailure("export", config, error) }
            Startup.fail("omnimeter export: \(error)")
        }
        await pool.close()
    }
}
