import Foundation

extension SimulatorState {
    /// Replication windows: at most 30 days long, starting no more than 30 days ago (CRM-APIS.md §2.5).
    static let replicationWindow: Double = 30 * 86_400

    func checkReplicationWindow(_ object: String, start: Date?, end: Date?) throws(SalesforceError) -> (Date, Date) {
        guard salesforceTypes[object] != nil else {
            throw SalesforceError(status: 404, errorCode: "NOT_FOUND", message: "The requested resource does not exist")
        }
        guard let start, let end else {
            throw SalesforceError(status: 400, errorCode: "MISSING_ARGUMENT", message: "start and end are required ISO 8601 date-times")
        }
        guard start < end else {
            throw SalesforceError(status: 400, errorCode: "INVALID_REPLICATION_DATE", message: "startDate must chronologically precede endDate by more than one minute")
        }
        guard end.timeIntervalSince(start) <= Self.replicationWindow, clock().timeIntervalSince(start) <= Self.replicationWindow else {
            throw SalesforceError(status: 400, errorCode: "INVALID_REPLICATION_DATE", message: "startDate cannot be more than 30 days ago")
        }
        return (start, end)
    }

    /// `GET /sobjects/{object}/deleted/?start=&end=`: soft-deleted rows stamped in the window.
    func salesforceDeleted(_ object: String, start: Date?, end: Date?) throws(SalesforceError) -> SimJSON {
        let (from, to) = try checkReplicationWindow(object, start: start, end: end)
        var deleted: [(id: String, at: Date)] = []
        var earliest = clock()
        for row in (salesforceRecords[object] ?? [:]).values where row.fields["IsDeleted"] == .bool(true) {
            guard case .datetime(let stamp)? = row.fields["SystemModstamp"] else { continue }
            earliest = min(earliest, stamp)
            if stamp >= from, stamp <= to { deleted.append((row.id, stamp)) }
        }
        deleted.sort { ($0.at, $0.id) < ($1.at, $1.id) }
        return [
            "deletedRecords": .array(deleted.map { ["id": .string($0.id), "deletedDate": .string(SimTime.salesforce($0.at))] }),
            "earliestDateAvailable": .string(SimTime.salesforce(earliest)),
            "latestDateCovered": .string(SimTime.salesforce(latestCovered(to))),
        ]
    }

    /// `GET /sobjects/{object}/updated/?start=&end=`: ids of live rows changed in the window.
    func salesforceUpdated(_ object: String, start: Date?, end: Date?) throws(SalesforceError) -> SimJSON {
        let (from, to) = try checkReplicationWindow(object, start: start, end: end)
        let ids = (salesforceRecords[object] ?? [:]).values.compactMap { row -> String? in
            guard row.fields["IsDeleted"] != .bool(true), case .datetime(let stamp)? = row.fields["SystemModstamp"],
                  stamp >= from, stamp <= to else { return nil }
            return row.id
        }.sorted()
        return ["ids": .array(ids.map(SimJSON.string)), "latestDateCovered": .string(SimTime.salesforce(latestCovered(to)))]
    }

    /// The window is covered up to the last whole minute before now (or its end, when earlier).
    func latestCovered(_ end: Date) -> Date {
        let limit = min(end, clock())
        return Date(timeIntervalSince1970: (limit.timeIntervalSince1970 / 60).rounded(.down) * 60)
    }
}

/// Why the token endpoint refused a JWT assertion (`error_description`).
struct JWTRefusal: Error {
    var message: String
}
