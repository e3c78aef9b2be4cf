import Foundation
import GRDB
import LeadRelayCore

/// The embedded store: one SQLite file in WAL mode, written through intent-named operations.
///
/// It conforms to every port of `StateStore`, one `SQLiteStateStore+Port.swift` file each.
public final class SQLiteStateStore: Sendable {
    let pool: DatabasePool
    public let path: String
    /// The store's clock: claims and leases expire by it (as a server's clock would time them for a shared store).
    let clock: @Sendable () -> Date

    /// Opens (creating if needed) the store at `path`, with owner-only permissions, and migrates it.
    public init(path: String, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        if !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "leadrelay.state"
        self.pool = try DatabasePool(path: path, configuration: configuration)
        self.path = path
        self.clock = clock
        try Self.migrator.migrate(pool)
        // The store holds personal data: owner-only, whatever the umask.
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        }
    }

    /// Names of the migrations applied, oldest first.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Self.migrator.appliedMigrations(db) }
    }

    /// The SQLite journal mode (`wal` for this store).
    public func journalMode() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try decoder.decode(type, from: Data(text.utf8))
    }

    /// SQLite binds at most a few thousand parameters per statement comfortably; lists are split at this size.
    static let chunk = 500

    static func ref(_ row: Row) -> RecordRef {
        RecordRef(system: CRMSystem(rawValue: row["system"]) ?? .hubspot, object: row["object"], id: row["id"])
    }

    static func date(_ value: Double?) -> Date? { value.map(Date.init(timeIntervalSince1970:)) }

    /// The key stored in `column` of `row`, parsed; a value no version of LeadRelay wrote is an error naming it.
    static func key<Key>(_ row: Row, _ column: String, in table: String, _ parse: (String) -> Key?) throws -> Key {
        let raw: String = row[column]
        guard let key = parse(raw) else { throw StoredValueError(table: table, column: column, value: raw) }
        return key
    }

    static func personKey(_ row: Row, in table: String, column: String = "person_key") throws -> PersonKey {
        try key(row, column, in: table, PersonKey.init(rawValue:))
    }

    static func subjectKey(_ row: Row, in table: String, column: String = "person_key") throws -> SubjectKey {
        try key(row, column, in: table, SubjectKey.init(rawValue:))
    }
}

/// A stored value that is not what the store writes there (a hand-edited or damaged file).
public struct StoredValueError: Error, CustomStringConvertible {
    public var table: String
    public var column: String
    public var value: String

    public var description: String { "the store's \(table).\(column) holds \"\(value)\", which LeadRelay never writes there" }
}
