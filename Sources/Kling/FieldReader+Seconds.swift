extension FieldReader {
    /// A whole number of seconds, given as an integer (5) or a string of digits ("5").
    func seconds(_ key: String) throws(KlingError) -> Int? {
        guard let value = value(key) else { return nil }
        let reason = "must be a whole number of seconds, as a string or an integer"
        switch value {
        case .int(let number):
            guard let seconds = Int(exactly: number) else { throw invalid(key, reason) }
            return seconds
        case .string(let text):
            guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                  let seconds = Int(text)
            else { throw invalid(key, "\(reason), got \"\(Self.clipped(text))\"") }
            return seconds
        default:
            throw invalid(key, "\(reason), got \(value.typeName)")
        }
    }
}
