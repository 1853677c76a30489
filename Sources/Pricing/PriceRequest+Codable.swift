// The stored shape of a priced request's inputs, kept with every task for as long as the task
// exists: explicit keys, so that a rename in Swift never changes what older rows mean.
//   {"video": {"model", "mode", "sound", "video_reference", "seconds": {"fixed": 5} | {"edit_max": 10}}}
//   {"image": {"model", "resolution", "count": {"fixed": 2} | {"auto_max": 9}}}

private struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

private func only(_ decoder: Decoder, _ names: [String]) throws -> (KeyedDecodingContainer<Key>, String) {
    let container = try decoder.container(keyedBy: Key.self)
    guard container.allKeys.count == 1, let key = container.allKeys.first, names.contains(key.stringValue) else {
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected one of \(names)"))
    }
    return (container, key.stringValue)
}

extension PriceRequest: Codable {
    public init(from decoder: Decoder) throws {
        let (container, name) = try only(decoder, ["video", "image"])
        self = name == "video"
            ? .video(try container.decode(VideoPriceRequest.self, forKey: Key(name)))
            : .image(try container.decode(ImagePriceRequest.self, forKey: Key(name)))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .video(let video): try container.encode(video, forKey: Key("video"))
        case .image(let image): try container.encode(image, forKey: Key("image"))
        }
    }
}

extension VideoSeconds: Codable {
    public init(from decoder: Decoder) throws {
        let (container, name) = try only(decoder, ["fixed", "edit_max"])
        let seconds = try container.decode(Int.self, forKey: Key(name))
        self = name == "fixed" ? .fixed(seconds) : .edit(maxSeconds: seconds)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .fixed(let seconds): try container.encode(seconds, forKey: Key("fixed"))
        case .edit(let maxSeconds): try container.encode(maxSeconds, forKey: Key("edit_max"))
        }
    }
}

extension ImageCount: Codable {
    public init(from decoder: Decoder) throws {
        let (container, name) = try only(decoder, ["fixed", "auto_max"])
        let count = try container.decode(Int.self, forKey: Key(name))
        self = name == "fixed" ? .fixed(count) : .auto(max: count)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .fixed(let count): try container.encode(count, forKey: Key("fixed"))
        case .auto(let max): try container.encode(max, forKey: Key("auto_max"))
        }
    }
}
