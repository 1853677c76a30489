import Kling

extension FieldRule where Value == Bool {
    /// true or false.
    static var boolean: FieldRule {
        FieldRule { key, json in
            guard case .bool(let value) = json else { throw AdminAPIError.badRequest("\(key): must be true or false") }
            return value
        }
    }
}

extension FieldRule where Value == String {
    /// A credential: 1 to 4000 characters with no spaces or control characters (it goes into a header).
    static var credential: FieldRule {
        FieldRule { key, json in
            guard case .string(let text) = json else { throw AdminAPIError.badRequest("\(key): must be a string") }
            guard (1...4000).contains(text.unicodeScalars.count),
                  text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7f }) else {
                throw AdminAPIError.invalid("\(key): must be 1 to 4000 characters without spaces or control characters")
            }
            return text
        }
    }
}

extension FieldRule where Value == Int {
    /// Lower goes first; any whole number a PostgreSQL integer holds.
    static var channelPriority: FieldRule {
        FieldRule { key, json in Int(try FieldRule<Int64>.integer(Int64(Int32.min)...Int64(Int32.max)).read(key, json)) }
    }

    /// A share of the draw among channels of the same priority; 0 takes work only when all there have 0.
    static var channelWeight: FieldRule {
        FieldRule { key, json in Int(try FieldRule<Int64>.integer(0...1_000_000).read(key, json)) }
    }
}
