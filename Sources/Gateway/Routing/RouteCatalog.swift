import Foundation
import Kling

/// The routes and their query parameters: `RouteTable`, completed by the operations of `/openapi.json`
/// that the table does not name. Answers which parameters a matched route takes, and which methods an
/// unmatched path has (for 405 against 404).
struct RouteCatalog: Sendable {
    /// Normalized "METHOD /path/{}" → parameters.
    let parameters: [String: Set<String>]
    /// Each route's method and path segments ("{}" for a capture).
    let routes: [(method: String, segments: [String])]

    static let shared = RouteCatalog(declared: RouteTable.declared, openAPI: OpenAPIDocument.json)

    init(declared: [String: Set<String>], openAPI: String) {
        var parameters: [String: Set<String>] = [:]
        for (key, names) in Self.documentedOperations(openAPI) { parameters[key] = names }
        for (key, names) in declared { parameters[Self.normalize(key)] = names }  // the table wins
        self.parameters = parameters
        routes = parameters.keys.sorted().compactMap { key in
            guard let space = key.firstIndex(of: " ") else { return nil }
            return (String(key[..<space]), Self.segments(String(key[key.index(after: space)...])))
        }
    }

    /// The parameters of a matched route, by its method and Hummingbird's pattern
    /// (`/admin/v1/tenants/{id}`); nil for a route nobody described (then it takes none).
    func allowed(method: String, pattern: String) -> Set<String>? {
        parameters[Self.normalize("\(method) \(pattern)")]
    }

    /// The methods of the routes whose pattern matches `path`, sorted; empty when no route has this path.
    func methods(forPath path: String) -> [String] {
        let parts = Self.segments(path)
        let methods = routes.filter { route in
            route.segments.count == parts.count
                && zip(route.segments, parts).allSatisfy { pattern, part in pattern == "{}" || pattern == part }
        }.map(\.method)
        return Array(Set(methods)).sorted()
    }

    /// Captures renamed to `{}`, so that `{id}` and `{task_id}` describe the same route.
    static func normalize(_ key: String) -> String {
        guard let space = key.firstIndex(of: " ") else { return key }
        let method = key[..<space].uppercased()
        return "\(method) /\(segments(String(key[key.index(after: space)...])).joined(separator: "/"))"
    }

    static func segments(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map { part in
            part.hasPrefix("{") && part.hasSuffix("}") || part.hasPrefix(":") ? "{}" : String(part)
        }
    }

    /// Every operation of the OpenAPI document and its `in: query` parameters (path-level ones included).
    static func documentedOperations(_ text: String) -> [String: Set<String>] {
        guard let document = try? JSONValue.decode(Data(text.utf8)), case .object(let paths)? = document["paths"] else { return [:] }
        func queryNames(_ list: JSONValue?) -> Set<String> {
            guard case .array(let items)? = list else { return [] }
            return Set(items.compactMap { item -> String? in
                var parameter = item
                if let ref = item["$ref"]?.stringValue, ref.hasPrefix("#/components/parameters/") {
                    parameter = document["components"]?["parameters"]?[String(ref.dropFirst("#/components/parameters/".count))] ?? .null
                }
                guard parameter["in"]?.stringValue == "query" else { return nil }
                return parameter["name"]?.stringValue
            })
        }
        var operations: [String: Set<String>] = [:]
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        for (path, item) in paths {
            guard case .object(let fields) = item else { continue }
            let shared = queryNames(fields["parameters"])
            for (method, operation) in fields where methods.contains(method) {
                operations[normalize("\(method) \(path)")] = shared.union(queryNames(operation["parameters"]))
            }
        }
        return operations
    }
}
