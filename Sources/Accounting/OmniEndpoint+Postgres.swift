import Kling
import Postgres

/// Stored in `tasks.endpoint` by its name (`omni-video`, `omni-image`).
extension OmniEndpoint: PostgresEncodable, PostgresTextDecodable {
    public static var postgresOID: UInt32 { PostgresOID.text }
    public var postgresText: String? { rawValue }
    public init?(postgresText text: String) { self.init(rawValue: text) }
}
