import Accounting
import Kling

extension FieldRule where Value == [KeyScope] {
    /// A list of scope names (README "Key scopes"); an unknown one is 422, duplicates are dropped.
    /// An empty list is a key that may only read `/v1/account`.
    static var scopes: FieldRule {
        FieldRule { key, json in
            guard case .array(let items) = json else { throw AdminAPIError.badRequest("\(key): must be an array of scope names") }
            var scopes: [KeyScope] = []
            for (index, item) in items.enumerated() {
                guard case .string(let name) = item else { throw AdminAPIError.badRequest("\(key)[\(index)]: must be a string") }
                guard let scope = KeyScope(rawValue: name) else {
                    let known = KeyScope.allCases.map(\.rawValue).joined(separator: ", ")
                    throw AdminAPIError.invalid("\(key)[\(index)]: unknown scope \(name.debugDescription); known: \(known)")
                }
                scopes.append(scope)
            }
            return KeyScope.normalized(scopes)
        }
    }
}
