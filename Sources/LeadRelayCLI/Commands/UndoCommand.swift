import ArgumentParser
import Foundation
import LeadRelayCore
import LeadRelayCRM
import LeadRelayEngine

/// `leadrelay undo merge [ID]`: lists the merges LeadRelay made, or restores one from its before-images.
struct UndoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Undo something LeadRelay did in a CRM.",
        subcommands: [UndoMergeCommand.self])
}

struct UndoMergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Without an ID, list the merges LeadRelay made; with one, restore the merged record and the survivor's fields.")

    @Argument(help: "The merge's number (from the list).")
    var id: Int64?

    @Option(name: .long, help: "Path of leadrelay.yaml.")
    var config: String = "leadrelay.yaml"

    @Flag(name: .long, help: "Print what would be written, write nothing.")
    var dryRun = false

    func run() async throws {
        let loaded = try loadOrExit(config)
        guard FileManager.default.fileExists(atPath: loaded.storePath) else {
            FileHandle.standardError.write(Data("error: no state file at \(loaded.storePath); LeadRelay has made no merges there\n".utf8))
            throw ExitCodes.usage
        }
        let store = try Daemon.openStore(at: loaded.storePath)
        guard let id else {
            let merges = try await store.merges()
            if merges.isEmpty { print("No merges.") }
            for merge in merges {
                let survivor = merge.resultID.map { $0 == merge.survivorID ? $0 : "\(merge.survivorID) (now \($0))" } ?? merge.survivorID
                let restored = merge.restoredID.map { ", restored as \($0)" } ?? ""
                print("\(merge.id)  \(merge.status.rawValue)  \(merge.system.rawValue)/\(merge.object)/\(merge.mergedID) into \(survivor)\(restored)"
                      + "  \(ISOTimestamp.format(merge.plannedAt))  \(merge.reason)")
            }
            return
        }
        let undo = MergeUndo(store: store, mapping: loaded.mapping, connectors: try ConnectorFactory.connectors(loaded))
        do {
            if dryRun {
                let plan = try await undo.plan(id)
                if let email = plan.restore["email"] { print("Would take \(email) off contact \(plan.survivorID)'s additional emails (where HubSpot keeps merged addresses)") }
                print("Would create a contact with: " + Self.list(plan.restore))
                print("Would set contact \(plan.survivorID) back to: " + Self.list(plan.survivorFields))
                return
            }
            let (plan, restored) = try await failingOnBadCredentials { try await undo.run(id) }
            print("Merge \(id) undone: the merged contact is back as \(restored); contact \(plan.survivorID) has its fields as before the merge "
                  + "(\(plan.survivorFields.keys.sorted().joined(separator: ", "))). The restored contact is flagged, never merged again automatically.")
        } catch let failure as MergeUndo.Failure {
            FileHandle.standardError.write(Data("error: \(failure)\n".utf8))
            switch failure {
            case .notFound, .notUndoable, .unsupported: throw ExitCodes.usage
            case .crm: throw ExitCodes.failuresFound
            }
        }
    }

    static func list(_ fields: [String: String]) -> String {
        fields.isEmpty ? "(nothing)" : fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.isEmpty ? "(blank)" : $0.value)" }.joined(separator: ", ")
    }
}
