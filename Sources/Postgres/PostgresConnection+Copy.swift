import CLibPQ
import Foundation

extension PostgresConnection {
    /// Streams `COPY (query) TO STDOUT WITH (options)` to `consume` in chunks of about `chunkSize` bytes,
    /// holding one chunk in memory at a time whatever the row count; the next chunk is read only after
    /// `consume` returns, so a slow reader slows the query instead of filling memory.
    ///
    /// COPY takes no parameters, so each bound value is first stored with `set_config(…, true)` (local to
    /// this transaction, itself bound) and read back in the statement as `current_setting(…)::type`:
    /// values stay bound, never spliced. Must run inside a transaction (see `PostgresPool.copyOut`).
    public func copyOut(
        _ query: PostgresQuery,
        options: StaticString = "FORMAT csv, HEADER",
        chunkSize: Int = 64 * 1024,
        _ consume: ([UInt8]) async throws -> Void
    ) async throws {
        if !pending.isEmpty { _ = try await sendPipeline([]) } // the transaction's BEGIN before the COPY
        for (index, bind) in query.binds.enumerated() where bind.text != nil {
            try await execute("SELECT set_config(\("omnimeter.copy_p\(index)"), \(bind.text), true)")
        }
        let inner = query.render { index, bind in
            bind.text == nil ? "NULL::\(bind.typeName)" : "current_setting('omnimeter.copy_p\(index)')::\(bind.typeName)"
        }
        let statement = "COPY (\(inner)) TO STDOUT WITH (\(options))"
        try await onQueue { handle in
            try Self.withResult(PQexec(handle, statement), handle) { _ in () }
        }
        var finished = false
        while !finished {
            let (chunk, done) = try await onQueue { handle in try Self.readCopyChunk(handle, chunkSize) }
            finished = done
            guard !chunk.isEmpty else { continue }
            do {
                try await consume(chunk)
            } catch {
                // The reader went away mid-stream: the session is mid-COPY and unusable, so drop it.
                close()
                throw error
            }
        }
    }

    /// Reads COPY rows until about `limit` bytes are gathered; `done` once the COPY has ended
    /// (after checking its final status), when libpq must not be asked for more.
    private static func readCopyChunk(_ handle: OpaquePointer, _ limit: Int) throws -> (chunk: [UInt8], done: Bool) {
        var chunk: [UInt8] = []
        chunk.reserveCapacity(limit + 1024)
        while chunk.count < limit {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(handle, &buffer, 0)
            if length > 0, let buffer {
                buffer.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
                    chunk.append(contentsOf: UnsafeBufferPointer(start: $0, count: Int(length)))
                }
                PQfreemem(buffer)
            } else if length == -1 {
                // COPY finished: its final result says whether it succeeded.
                var failure: PostgresError?
                while let result = PQgetResult(handle) {
                    if PQresultStatus(result) != PGRES_COMMAND_OK, failure == nil {
                        failure = error(of: result, handle)
                    }
                    PQclear(result)
                }
                if let failure { throw failure }
                return (chunk, true)
            } else {
                throw connectionError(handle)
            }
        }
        return (chunk, false)
    }
}

extension PostgresPool {
    /// Streams a COPY of `query` in its own read-only transaction on one pooled connection, as a bulk
    /// read (never from the pool's reserve).
    public func copyOut(
        _ query: PostgresQuery,
        options: StaticString = "FORMAT csv, HEADER",
        chunkSize: Int = 64 * 1024,
        _ consume: ([UInt8]) async throws -> Void
    ) async throws {
        try await asBulkRead {
            try await transaction(.repeatableRead, maxAttempts: 1) { connection in
                try await connection.copyOut(query, options: options, chunkSize: chunkSize, consume)
            }
        }
    }
}
