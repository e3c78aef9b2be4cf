import Foundation
import LeadRelayCore
@testable import LeadRelayEngine
import Testing
import LeadRelayHTTP

@Suite("Mapping JSON Schema for editors")
struct MappingSchemaTests {
    @Test("the JSON Schema beside the mappings allows exactly the keys, types and rules the loader accepts")
    func inStep() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Mappings/mapping.schema.json"))
        let schema = try JSONValue.decode(data)
        let field = try #require(schema["$defs"]?["field"]?["properties"]?.objectValue)
        guard case .object(let top) = KeySchema.mapping, case .map(.object(let fieldKeys))? = top["fields"] else {
            Issue.record("the mapping key schema changed shape")
            return
        }
        #expect(Set(field.keys) == Set(fieldKeys.keys))
        #expect(Set(schema["properties"]?.objectValue?.keys.map { $0 } ?? []) == Set(top.keys))
        #expect(Set(field["type"]?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? []) == Set(FieldType.allCases.map(\.rawValue)))
        #expect(Set(field["rule"]?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? []) == Set(SyncRule.allCases.map(\.rawValue)))
        #expect(Set(field["case"]?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? []) == Set(TextCase.allCases.map(\.rawValue)))
        #expect(Set(field["overflow"]?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? []) == Set(Overflow.allCases.map(\.rawValue)))
        let side = try #require(schema["$defs"]?["lifecycleSide"]?["properties"]?.objectValue)
        guard case .object(let sideKeys) = KeySchema.lifecycleSide else {
            Issue.record("the lifecycle key schema changed shape")
            return
        }
        #expect(Set(side.keys) == Set(sideKeys.keys))
        #expect(Set(sideKeys.keys) == Set(["field"] + LifecycleMap.stages.map(\.rawValue)))
        let mapping = try String(contentsOfFile: repositoryRoot + "/Mappings/hubspot-salesforce.yaml", encoding: .utf8)
        #expect(mapping.hasPrefix("# yaml-language-server: $schema=mapping.schema.json"))
    }
}
