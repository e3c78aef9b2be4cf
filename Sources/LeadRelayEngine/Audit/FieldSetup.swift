import Foundation
import LeadRelayCore
import LeadRelayCRM

/// The custom fields the configuration uses (`leadrelay setup`): created where the API allows, else the steps to
/// create them by hand. A fresh portal and org have none of them.
public enum FieldSetup {
    public struct Field: Sendable, Hashable {
        public var system: CRMSystem
        public var object: String
        public var name: String
        public var label: String
        public var length: Int
        /// What LeadRelay uses it for.
        public var purpose: String
    }

    public enum Outcome: Sendable, Hashable {
        case exists
        case created
        /// `--dry-run`: what would be created.
        case wouldCreate
        /// The API refused (permissions, a name taken by another type): the CRM's reason and the steps by hand.
        case failed(reason: String, steps: String)
    }

    /// Every custom field the mappings name for LeadRelay's own features (the duplicate flags).
    public static func needed(_ configuration: LoadedConfiguration) -> [Field] {
        var sets = [configuration.mapping]
        if let accounts = configuration.accountMapping { sets.append(accounts) }
        var fields: [Field] = []
        for mapping in sets {
            for (system, name) in (mapping.duplicates?.flag ?? [:]).sorted(by: { $0.key < $1.key }) {
                // A Salesforce id has 18 characters; a HubSpot record id fits in them too.
                fields.append(Field(system: system, object: mapping.objectName(in: system), name: name, label: "Duplicate of (LeadRelay)",
                                    length: 18, purpose: "the survivor's id on a duplicate record (duplicates.flag)"))
            }
        }
        return fields
    }

    /// Creates what is missing (or, with `dryRun`, says what would be).
    public static func run(_ configuration: LoadedConfiguration, connectors: [any CRMConnector], dryRun: Bool) async throws
        -> [(field: Field, outcome: Outcome)] {
        var results: [(field: Field, outcome: Outcome)] = []
        var schemas: [String: Set<String>] = [:]
        for field in needed(configuration) {
            guard let connector = connectors.first(where: { $0.system == field.system }) else { continue }
            let key = "\(field.system.rawValue)/\(field.object)"
            if schemas[key] == nil { schemas[key] = Set(try await connector.fieldSchema(object: field.object).map(\.name)) }
            if schemas[key]?.contains(field.name) == true {
                results.append((field, .exists))
                continue
            }
            guard !dryRun else {
                results.append((field, .wouldCreate))
                continue
            }
            guard let admin = connector as? any SchemaAdministering else {
                results.append((field, .failed(reason: "this connector cannot create fields", steps: "")))
                continue
            }
            do {
                try await admin.createTextField(object: field.object, name: field.name, label: field.label, length: field.length)
                results.append((field, .created))
            } catch {
                if case .authentication(_, let message) = error, !message.hasPrefix("MISSING_SCOPES") { throw error }
                results.append((field, .failed(reason: error.description,
                                               steps: admin.manualSteps(object: field.object, name: field.name, label: field.label, length: field.length))))
            }
        }
        return results
    }
}
