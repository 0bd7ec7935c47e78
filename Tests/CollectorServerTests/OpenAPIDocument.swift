import Foundation
import TestSupport
import Testing
import Yams

/// `openapi/collector.yaml`, read as plain YAML, with a small validator for the JSON Schema
/// subset it uses (type, required, properties, items, enum, minimum, maximum, pattern, $ref).
/// Properties a document does not describe are reported too: the server must not say more than
/// its contract.
struct OpenAPIDocument {
    let root: [String: Any]

    init() throws {
        let text = try String(contentsOfFile: ProcessRunner.repositoryRoot + "/openapi/collector.yaml", encoding: .utf8)
        root = try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    /// Every documented operation as `METHOD /path/{param}`.
    var operations: Set<String> {
        let paths = root["paths"] as? [String: Any] ?? [:]
        var operations: Set<String> = []
        for (path, item) in paths {
            for method in (item as? [String: Any] ?? [:]).keys where ["get", "post", "put", "delete"].contains(method) {
                operations.insert("\(method.uppercased()) \(path)")
            }
        }
        return operations
    }

    /// The schema of an operation's response for a status, nil when it documents no body.
    func responseSchema(_ operation: String, status: Int) -> [String: Any]? {
        let parts = operation.split(separator: " ", maxSplits: 1).map(String.init)
        guard let paths = root["paths"] as? [String: Any], let item = paths[parts[1]] as? [String: Any],
            let method = item[parts[0].lowercased()] as? [String: Any], let responses = method["responses"] as? [String: Any],
            var response = responses[String(status)] as? [String: Any]
        else { return nil }
        if let reference = response["$ref"] as? String { response = resolve(reference) }
        let content = response["content"] as? [String: Any]
        return (content?["application/json"] as? [String: Any])?["schema"] as? [String: Any]
    }

    /// Whether the operation documents this status at all.
    func documents(_ operation: String, status: Int) -> Bool {
        let parts = operation.split(separator: " ", maxSplits: 1).map(String.init)
        let method = ((root["paths"] as? [String: Any])?[parts[1]] as? [String: Any])?[parts[0].lowercased()] as? [String: Any]
        return (method?["responses"] as? [String: Any])?[String(status)] != nil
    }

    private func resolve(_ reference: String) -> [String: Any] {
        var node: Any = root
        for key in reference.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(key)] ?? [:] }
        return node as? [String: Any] ?? [:]
    }

    /// What in `value` does not match `schema`, each problem with its JSON path.
    func problems(_ value: Any, against schema: [String: Any], at path: String = "$") -> [String] {
        if let reference = schema["$ref"] as? String { return problems(value, against: resolve(reference), at: path) }
        var found: [String] = []
        if let allowed = schema["enum"] as? [Any], !allowed.contains(where: { "\($0)" == "\(value)" }) {
            found.append("\(path): \(value) is not one of \(allowed)")
        }
        switch schema["type"] as? String {
        case "object":
            guard let object = value as? [String: Any] else { return ["\(path): expected an object"] }
            let properties = schema["properties"] as? [String: Any]
            for required in schema["required"] as? [String] ?? [] where object[required] == nil {
                found.append("\(path).\(required): required but missing")
            }
            guard let properties else { return found }
            for (key, member) in object {
                guard let propertySchema = properties[key] as? [String: Any] else {
                    found.append("\(path).\(key): not in the document")
                    continue
                }
                found += problems(member, against: propertySchema, at: "\(path).\(key)")
            }
        case "array":
            guard let array = value as? [Any] else { return ["\(path): expected an array"] }
            if let items = schema["items"] as? [String: Any] {
                for (index, item) in array.enumerated() { found += problems(item, against: items, at: "\(path)[\(index)]") }
            }
        case "string":
            guard let text = value as? String else { return ["\(path): expected a string"] }
            if let pattern = schema["pattern"] as? String, text.range(of: pattern, options: .regularExpression) == nil {
                found.append("\(path): \"\(text)\" does not match \(pattern)")
            }
        case "integer":
            // A JSON true is an NSNumber too; its Objective-C type is char ("c").
            guard let number = value as? NSNumber, String(cString: number.objCType) != "c",
                number.doubleValue == number.doubleValue.rounded()
            else { return ["\(path): expected an integer"] }
            if let minimum = schema["minimum"] as? Int, number.intValue < minimum { found.append("\(path): below \(minimum)") }
            if let maximum = schema["maximum"] as? Int, number.intValue > maximum { found.append("\(path): above \(maximum)") }
        default: break
        }
        return found
    }
}
