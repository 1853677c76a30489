import Kling

/// Random JSON for the property tests: any shape, and bodies that look
/// almost valid, so that every rule is reached and not only the first.
struct ArbitraryJSON {
    var random: SeededGenerator

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    mutating func string() -> String {
        let alphabet: [Character] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\u{0}", "é", "🦊", "👩‍👩‍👧", "<", "\u{FFFF}"]
        let length = random.pick([0, 1, 5, 64, 65, 512, 513, 2500, 2501, 3000])
        return String((0..<length).map { _ in random.pick(alphabet) })
    }

    mutating func number() -> JSONValue {
        random.pick([
            .int(0), .int(1), .int(-1), .int(.max), .int(.min), .int(9_007_199_254_740_993),
            .int(Int64.random(in: -20...20, using: &random)), .double(1.5), .double(-0.0), .double(1e308),
            .double(-1e308), .double(.leastNonzeroMagnitude), .double(Double.random(in: -1e6...1e6, using: &random)),
        ])
    }

    mutating func any(depth: Int = 0) -> JSONValue {
        let scalarOnly = depth >= 4
        switch Int.random(in: 0..<(scalarOnly ? 5 : 7), using: &random) {
        case 0: return .null
        case 1: return .bool(random.chance(0.5))
        case 2, 3: return number()
        case 4: return .string(string())
        case 5: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in any(depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                let key = random.chance(0.5) ? random.pick(VideoPool.keys + ImagePool.keys) : string()
                members[key] = any(depth: depth + 1)
            }
            return .object(members)
        }
    }

    /// A body whose known fields mostly take plausible (valid or nearly valid) values.
    /// How often a body carries the key: the prompt and aspect ratio often, the
    /// alias and multi_shot rarely, or few bodies would pass the first rules.
    static let presence: [String: Double] = ["prompt": 0.95, "aspect_ratio": 0.85, "model": 0.1, "multi_shot": 0.15]

    mutating func body(from pools: [String: [JSONValue]]) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for (key, pool) in pools.sorted(by: { $0.key < $1.key }) where random.chance(Self.presence[key] ?? 0.3) {
            members[key] = random.chance(0.97) ? random.pick(pool) : any(depth: 2)
        }
        if random.chance(0.2) { members["extra_\(Int.random(in: 0...3, using: &random))"] = any(depth: 1) }
        return .object(members)
    }

    /// Sometimes breaks the JSON text itself: truncated, or a byte replaced.
    mutating func bytes(of value: JSONValue) -> [UInt8] {
        var bytes = Array(value.encodedData())
        if random.chance(0.05), !bytes.isEmpty {
            bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &random)))
        } else if random.chance(0.05), !bytes.isEmpty {
            bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
        }
        return bytes
    }
}

/// Plausible omni-video field values, valid and nearly valid.
enum VideoPool {
    static let keys = pools.keys.sorted()

    static let pools: [String: [JSONValue]] = [
        "model_name": ["kling-video-o1", "kling-v3-omni", "kling-v3-omni", "kling-v3-omni", "kling-v1", 5],
        "model": ["kling-video-o1", "kling-v3-omni", "x"],
        "prompt": ["a fox", "a fox", "a fox", "a fox", "", .string(String(repeating: "x", count: 2500)), .string(String(repeating: "🦊", count: 2501)), 7],
        "multi_shot": [true, false, false, "true"],
        "shot_type": ["customize", "intelligence", "x", 1],
        "multi_prompt": [
            [["index": 1, "prompt": "a", "duration": 2], ["index": 2, "prompt": "b", "duration": "3"]],
            [["index": 1, "prompt": "a", "duration": 10]], [], [["prompt": "a"]], "x",
        ],
        "image_list": [
            [], [["image_url": "a"]], [["image": "a", "type": "first_frame"]],
            [["image_url": "a", "type": "first_frame"], ["image_url": "b", "type": "end_frame"]],
            [["image_url": "a", "type": "first_frame"], ["image_url": "b", "type": "end_frame"], ["image_url": "c"]],
            [["image_url": "a", "type": "end_frame"]], [["type": "first_frame"]],
            .array(Array(repeating: ["image_url": "a"], count: 8)), "a",
        ],
        "element_list": [
            [], [["element_id": 1]], [["element_id": 1], ["element_id": 2], ["element_id": 3], ["element_id": 4]],
            [["element_id": "1"]], [["element_id": .int(.max)]],
        ],
        "video_list": [
            [], [["video_url": "v"]], [["video_url": "v", "refer_type": "feature"]], [["video_url": "v", "refer_type": "base", "keep_original_sound": "no"]],
            [["video_url": "v"], ["video_url": "w"]], [["refer_type": "x"]],
        ],
        "sound": ["on", "off", "loud", true],
        "mode": ["std", "pro", "4k", "hd"],
        "aspect_ratio": ["16:9", "9:16", "1:1", "1:1", "4:3", "auto", 1],
        "duration": ["3", "5", "5", "5", 5, "7", "10", "10", 10, "15", 12, "16", 0, -1, "5.5", 5.5, .int(.max), "99999999999999999999"],
        "external_task_id": ["t-1", "", .string(String(repeating: "x", count: 65)), 5],
        "callback_url": ["https://t.example/cb", "ftp://x", "", 1],
        "watermark_info": [["enabled": true], ["enabled": "x"], true],
    ]
}

/// Plausible omni-image field values, valid and nearly valid.
enum ImagePool {
    static let keys = pools.keys.sorted()

    static let pools: [String: [JSONValue]] = [
        "model_name": ["kling-image-o1", "kling-v3-omni", "kling-v3-omni", "kling-video-o1"],
        "model": ["kling-image-o1", "kling-v3-omni"],
        "prompt": ["a cat", "a cat", "a cat", "", .string(String(repeating: "x", count: 2501)), false],
        "image_list": [[], [["image": "a"]], [["image_url": "a"]], .array(Array(repeating: ["image": "a"], count: 11)), [[:]], [["image": 1]]],
        "element_list": [[], [["element_id": 5]], .array(Array(repeating: ["element_id": 1], count: 10)), [["element_id": 1.5]]],
        "resolution": ["1k", "2k", "4k", "8k"],
        "result_type": ["single", "series", "series", "batch"],
        "n": [1, 4, 9, 0, 10, "2", .int(.min)],
        "series_amount": [2, 4, 9, "auto", "auto", 1, 10, "many", 4.5],
        "aspect_ratio": ["16:9", "21:9", "auto", "auto", "5:4"],
        "external_task_id": ["t-1", "", 5],
        "callback_url": ["http://t.example/cb", "http://", 1],
        "watermark_info": [["enabled": false], "x"],
    ]
}
