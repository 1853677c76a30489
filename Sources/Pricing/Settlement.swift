/// The final charge of a succeeded task; never more than its reservation.
public struct Settlement: Codable, Sendable, Equatable {
    public var billableSeconds: Int?
    public var images: Int?
    public var chargeMicros: Int64

    public init(billableSeconds: Int? = nil, images: Int? = nil, chargeMicros: Int64) {
        self.billableSeconds = billableSeconds
        self.images = images
        self.chargeMicros = chargeMicros
    }

    enum CodingKeys: String, CodingKey {
        case billableSeconds = "billable_seconds"
        case images
        case chargeMicros = "charge_micros"
    }
}
