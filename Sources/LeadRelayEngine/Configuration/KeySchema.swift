import LeadRelayCore
import Yams

/// The keys each configuration file may use, so a misspelt key is reported instead of silently ignored.
indirect enum KeySchema: Sendable {
    /// A mapping with exactly these keys (all optional here; the decoder reports missing ones).
    case object([String: KeySchema])
    /// A mapping whose keys are names chosen by the user (fields, pools), each value of one shape.
    case map(KeySchema)
    case list(KeySchema)
    /// Anything (scalars, or structures checked by the decoder).
    case any

    /// Every key in `node` that the schema does not know, with a suggestion when one is close.
    func unknownKeys(in node: Node?, path: [String] = []) -> [ConfigIssue] {
        guard let node else { return [] }
        switch self {
        case .any:
            return []
        case .list(let element):
            return (node.sequence ?? []).enumerated().flatMap { element.unknownKeys(in: $1, path: path + [String($0)]) }
        case .map(let value):
            return (node.mapping ?? [:]).flatMap { key, child in value.unknownKeys(in: child, path: path + [key.string ?? ""]) }
        case .object(let known):
            var issues: [ConfigIssue] = []
            for (key, child) in node.mapping ?? [:] {
                let name = key.string ?? ""
                if let schema = known[name] {
                    issues += schema.unknownKeys(in: child, path: path + [name])
                } else {
                    let hint = Self.closest(name, in: Array(known.keys)).map { "; did you mean '\($0)'?" } ?? "; expected one of \(known.keys.sorted().joined(separator: ", "))"
                    issues.append(ConfigIssue(path: path + [name], "unknown key '\(name)'\(hint)"))
                }
            }
            return issues
        }
    }

    static func closest(_ word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }.filter { $0.1 <= max(2, word.count / 3) }
        return scored.min { ($0.1, $0.0) < ($1.1, $1.0) }?.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }

    static let condition = KeySchema.any
    static let when = KeySchema.map(condition)

    static let leadrelay = KeySchema.object([
        "hubspot": .object(["baseURL": .any, "portalId": .any, "appURL": .any, "auth": .object(["kind": .any, "tokenEnv": .any, "tokenFile": .any, "clientIdEnv": .any, "clientIdFile": .any,
                                                              "clientSecretEnv": .any, "clientSecretFile": .any, "refreshTokenEnv": .any, "refreshTokenFile": .any]),
                            "rateLimit": .object(["perTenSeconds": .any, "searchPerSecond": .any, "dailyBudget": .any, "keepFree": .any]),
                            "timeout": .any]),
        "salesforce": .object(["baseURL": .any, "apiVersion": .any, "instanceURL": .any,
                               "auth": .object(["kind": .any, "clientIdEnv": .any, "clientIdFile": .any, "clientSecretEnv": .any, "clientSecretFile": .any,
                                                 "refreshTokenEnv": .any, "refreshTokenFile": .any, "username": .any, "privateKeyFile": .any,
                                                 "audience": .any]),
                               "rateLimit": .object(["dailyBudget": .any, "keepFree": .any]), "timeout": .any]),
        "poll": .object(["interval": .any, "lookback": .any, "deletedEvery": .any, "formsEvery": .any, "summaryEvery": .any, "pagesPerCycle": .any]),
        "store": .object(["sqlite": .any]),
        "mappings": .list(.any), "scoring": .any, "routing": .any, "sla": .any,
        "notify": .object(["slack": .object(["webhookURLEnv": .any, "webhookURLFile": .any]),
                           "slackApp": .object(["tokenEnv": .any, "tokenFile": .any, "baseURL": .any, "channel": .any]),
                           "sms": .object(["baseURL": .any, "accountSid": .any, "authTokenEnv": .any, "authTokenFile": .any, "from": .any,
                                           "messagingServiceSid": .any, "statusCallback": .any, "statusListen": .any]),
                           "reps": .map(.object(["slack": .object(["webhookURLEnv": .any, "webhookURLFile": .any]), "slackChannel": .any,
                                                 "phone": .any, "channels": .any])),
                           "pace": .map(.object(["perSecond": .any, "burst": .any])),
                           "digest": .object(["enabled": .any, "horizon": .any, "quiet": .any, "maxWait": .any])]),
        "admin": .object(["listen": .any]),
        "mode": .object(["writes": .any]),
        "enrichment": .object(["order": .any, "rules": .object(["territories": .any]), "csv": .object(["file": .any]),
                               "provider": .object(["baseURL": .any, "tokenEnv": .any, "tokenFile": .any, "timeout": .any, "cacheFor": .any,
                                                    "perSecond": .any, "lookupsPerCycle": .any]),
                               "overwrite": .any]),
    ])

    static let mapping = KeySchema.object([
        "object": .any, "hubspot": .object(["object": .any]), "salesforce": .object(["object": .any]),
        "fields": .map(.object(["hubspot": .any, "salesforce": .any, "type": .any, "rule": .any, "identifier": .any,
                                "values": .any, "maxLength": .any, "clearBlanks": .any, "case": .any, "default": .any,
                                "overflow": .any, "ranges": .any])),
        "duplicates": .object(["flag": .object(["hubspot": .any, "salesforce": .any]), "survivor": .any,
                               "merge": .object(["hubspot": .any, "minScore": .any]), "values": .map(.any)]),
        "crossReference": .object(["hubspot": .any, "salesforce": .any]),
        "lifecycle": .object(["hubspot": lifecycleSide, "salesforce": lifecycleSide]),
    ])

    static let lifecycleSide = KeySchema.object(["field": .any, "sal": .any, "sql": .any, "opportunity": .any, "customer": .any,
                                                 "recycled": .any, "disqualified": .any])

    static let decay = KeySchema.object(["halfLife": .any, "percent": .any, "every": .any])
    static let limits = KeySchema.object(["cap": .any, "floor": .any])

    static let scoring = KeySchema.object([
        "mql": .object(["threshold": .any, "minimumFit": .any, "hysteresis": .any]),
        "fit": .list(.object(["name": .any, "when": when, "points": .any, "group": .any])),
        "interest": .object(["halfLife": .any, "events": .list(.object(["name": .any, "type": .any, "form": .any, "url": .any,
                                                                         "points": .any, "maxPerDay": .any, "cap": .any, "decay": decay,
                                                                         "window": .any, "group": .any]))]),
        "groups": .map(.object(["cap": .any, "floor": .any, "decay": decay, "window": .any])),
        "limits": .object(["fit": limits, "interest": limits, "total": limits]),
    ])

    static let sla: KeySchema = {
        let persistence = KeySchema.object(["minimumTouches": .any, "within": .any, "spacing": .any, "onFailure": .any])
        return .object([
            "tiers": .list(.object(["name": .any, "when": when, "firstTouchWithin": .any, "businessHours": .any, "remindAt": .any,
                                    "persistence": persistence])),
            "persistence": persistence,
            "breach": .object(["notify": .any, "managers": .any, "reassignAfter": .any, "neverBackTo": .any]),
            "outOfOffice": .any,
            "calendar": .any,
            "tick": .any,
            "disposition": .object(["requiredFor": .any, "reasonField": .object(["salesforce": .any, "hubspot": .any]), "reasons": .any]),
        ])
    }()

    static let routing = KeySchema.object([
        "reps": .list(.object(["id": .any, "name": .any, "email": .any, "pools": .any, "weight": .any, "capacity": .any, "hours": .any,
                               "calendar": .any, "timeZone": .any, "outOfOffice": .any, "caps": .object(["daily": .any, "weekly": .any]),
                               "skills": .any, "territories": .any])),
        "pools": .map(.object(["strategy": .any, "returnFromAbsence": .any])),
        "rules": .list(.object(["name": .any, "match": .any, "when": when, "assign": .any, "skill": .any, "territory": .any])),
        "fallback": .any,
        "stranded": .object(["rep": .any, "queue": .object(["name": .any, "salesforce": .any, "hubspot": .any, "alert": .any])]),
        "calendars": .map(.object(["timeZone": .any, "hours": .any, "holidays": .any])),
        "territories": .list(.object(["name": .any, "countries": .any, "regions": .any, "postalPrefixes": .any])),
        "returnFromAbsence": .any,
        "reassignment": .object(["excludeLast": .any]),
    ])
}
