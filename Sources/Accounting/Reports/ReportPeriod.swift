import Foundation

/// A half-open window of time `[from, to)`, as every report and export takes it.
public struct ReportPeriod: Sendable, Equatable {
    public let from: Date
    public let to: Date

    /// The times a report bound may name: 1900-01-01 to 9999-12-31 (UTC).
    public static let representable = Date(timeIntervalSince1970: -2_208_988_800)...Date(timeIntervalSince1970: 253_402_214_400)

    /// nil unless `from` is before `to`: an empty or reversed window is a mistake, never an empty report.
    public init?(from: Date, to: Date) {
        guard from < to else { return nil }
        self.from = from
        self.to = to
    }
}

/// Micros as a decimal amount with six places ("0.560000"), from the integer alone: never through Double.
public enum MicrosText {
    public static func decimal(_ micros: Int64) -> String {
        let sign = micros < 0 ? "-" : ""
        let magnitude = micros.magnitude
        let fraction = String(magnitude % 1_000_000)
        return "\(sign)\(magnitude / 1_000_000).\(String(repeating: "0", count: 6 - fraction.count))\(fraction)"
    }
}
