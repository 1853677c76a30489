/// A priced request: the reservation (the most the task can cost) and the
/// terms it was computed from. Encoded with snake_case keys; absent terms are omitted.
public struct Estimate: Codable, Sendable, Equatable {
    /// "video" or "image".
    public var kind: String
    public var model: String
    public var mode: String?
    /// "on" or "off".
    public var sound: String?
    public var resolution: String?
    public var billableSeconds: Int?
    public var microsPerSecond: Int64?
    /// Present only when the multiplier was applied.
    public var videoReferenceMultiplier: String?
    public var images: Int?
    public var microsPerImage: Int64?
    public var reserveMicros: Int64
    /// An edit whose input length was stated: what it would charge for that length.
    public var expectedChargeMicros: Int64?
    public var currency: String

    public init(
        kind: String, model: String, mode: String? = nil, sound: String? = nil, resolution: String? = nil,
        billableSeconds: Int? = nil, microsPerSecond: Int64? = nil, videoReferenceMultiplier: String? = nil,
        images: Int? = nil, microsPerImage: Int64? = nil, reserveMicros: Int64, expectedChargeMicros: Int64? = nil, currency: String
    ) {
        self.kind = kind
        self.model = model
        self.mode = mode
        self.sound = sound
        self.resolution = resolution
        self.billableSeconds = billableSeconds
        self.microsPerSecond = microsPerSecond
        self.videoReferenceMultiplier = videoReferenceMultiplier
        self.images = images
        self.microsPerImage = microsPerImage
        self.reserveMicros = reserveMicros
        self.expectedChargeMicros = expectedChargeMicros
        self.currency = currency
    }

    enum CodingKeys: String, CodingKey {
        case kind, model, mode, sound, resolution
        case billableSeconds = "billable_seconds"
        case microsPerSecond = "micros_per_second"
        case videoReferenceMultiplier = "video_reference_multiplier"
        case images
        case microsPerImage = "micros_per_image"
        case reserveMicros = "reserve_micros"
        case expectedChargeMicros = "expected_charge_micros"
        case currency
    }
}
