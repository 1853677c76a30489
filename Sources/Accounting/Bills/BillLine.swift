/// One data line of an upstream bill: its line number in the file (the header is line 1), the upstream's
/// task id, and the amount billed in micros.
public struct BillLine: Sendable, Equatable {
    public var line: Int
    public var upstreamTaskID: String
    public var billedMicros: Int64

    public init(line: Int, upstreamTaskID: String, billedMicros: Int64) {
        self.line = line
        self.upstreamTaskID = upstreamTaskID
        self.billedMicros = billedMicros
    }
}
