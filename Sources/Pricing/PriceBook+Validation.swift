extension PriceBook {
    /// The largest amount a row may carry: 1,000,000 currency units. It keeps
    /// every product the estimate forms far from Int64 overflow.
    public static let maxRowMicros: Int64 = 1_000_000_000_000

    /// Checks a book before it is stored (an admin PUT). Returns it unchanged
    /// when every rule holds; otherwise the error names the field or row.
    public func validated() throws(PricingError) -> PriceBook {
        guard currency.count == 3, currency.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) else {
            throw .invalidBook("currency: must be 3 uppercase letters, got \"\(currency)\"")
        }
        _ = try Multiplier.parse(videoReferenceMultiplier)

        var seenVideo: [String: Int] = [:]
        for (index, row) in video.enumerated() {
            let path = "video[\(index)]"
            guard !row.model.isEmpty else { throw .invalidBook("\(path).model: must not be empty") }
            guard !row.mode.isEmpty else { throw .invalidBook("\(path).mode: must not be empty") }
            guard row.sound == "on" || row.sound == "off" else {
                throw .invalidBook("\(path).sound: must be on or off, got \"\(row.sound)\"")
            }
            try Self.checkAmount(row.microsPerSecond, field: "\(path).micros_per_second")
            let key = "\(row.model) \(row.mode) \(row.sound)"
            if let first = seenVideo[key] {
                throw .invalidBook("\(path): duplicates video[\(first)] (model \(row.model) mode \(row.mode) sound \(row.sound))")
            }
            seenVideo[key] = index
        }

        var seenImage: [String: Int] = [:]
        for (index, row) in image.enumerated() {
            let path = "image[\(index)]"
            guard !row.model.isEmpty else { throw .invalidBook("\(path).model: must not be empty") }
            guard !row.resolution.isEmpty else { throw .invalidBook("\(path).resolution: must not be empty") }
            try Self.checkAmount(row.microsPerImage, field: "\(path).micros_per_image")
            let key = "\(row.model) \(row.resolution)"
            if let first = seenImage[key] {
                throw .invalidBook("\(path): duplicates image[\(first)] (model \(row.model) resolution \(row.resolution))")
            }
            seenImage[key] = index
        }
        return self
    }

    private static func checkAmount(_ amount: Int64, field: String) throws(PricingError) {
        guard amount >= 0, amount <= maxRowMicros else {
            throw .invalidBook("\(field): must be between 0 and \(maxRowMicros), got \(amount)")
        }
    }
}
