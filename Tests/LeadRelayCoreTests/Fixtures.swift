import Foundation
@testable import LeadRelayCore

/// Small builders shared by the core tests.
enum Fixtures {
    static let now = Date(timeIntervalSince1970: 1_760_000_000)

    static let mapping = MappingSet(object: "lead", hubspotObject: "contacts", salesforceObject: "Lead", fields: [
        FieldMapping(canonical: "email", hubspot: "email", salesforce: "Email", type: .email, rule: .twoWay, identifier: true),
        FieldMapping(canonical: "firstName", hubspot: "firstname", salesforce: "FirstName", type: .string, rule: .twoWay),
        FieldMapping(canonical: "lastName", hubspot: "lastname", salesforce: "LastName", type: .string, rule: .twoWay),
        FieldMapping(canonical: "company", hubspot: "company", salesforce: "Company", type: .string, rule: .preferSalesforceUnlessBlank),
        FieldMapping(canonical: "title", hubspot: "jobtitle", salesforce: "Title", type: .string, rule: .twoWay),
        FieldMapping(canonical: "state", hubspot: "state", salesforce: "State", type: .string, rule: .twoWay),
        FieldMapping(canonical: "employees", hubspot: "numemployees", salesforce: "NumberOfEmployees", type: .integer, rule: .fillIfEmpty),
        FieldMapping(canonical: "industry", hubspot: "industry", salesforce: "Industry", type: .picklist, rule: .preferSalesforce,
                     values: ["COMPUTER_SOFTWARE": "Technology", "HOSPITAL_HEALTH_CARE": "Healthcare"]),
        FieldMapping(canonical: "owner", hubspot: "hubspot_owner_id", salesforce: "OwnerId", type: .owner, rule: .leadrelay),
    ])

    static let scoring = ScoringConfig(
        mql: .init(threshold: 100, minimumFit: 30),
        fit: [
            .init(name: "senior-title", when: ["seniority": .oneOf(["c-level", "vp", "director"])], points: 25),
            .init(name: "target-size", when: ["employees": .between(200, 5000)], points: 20),
            .init(name: "target-sector", when: ["industry": .oneOf(["Technology", "Healthcare"])], points: 15),
            .init(name: "free-mail", when: ["emailClass": .equals("free")], points: -20),
        ],
        interest: .init(halfLife: ConfigDuration(seconds: 30 * 86_400), events: [
            .init(name: "demo-request", type: .formSubmission, form: "demo-request", url: nil, points: 60, maxPerDay: nil),
            .init(name: "pricing-page", type: .pageView, form: nil, url: "*/pricing*", points: 10, maxPerDay: 2),
            .init(name: "careers-page", type: .pageView, form: nil, url: "*/careers*", points: -15, maxPerDay: nil),
        ]))

    static let routing = RoutingConfig(
        reps: [
            .init(id: "ana", email: "ana@example.com", pools: ["northeast", "healthcare"], weight: 2, capacity: 40),
            .init(id: "ben", email: "ben@example.com", pools: ["northeast"], weight: 1, capacity: 40),
            .init(id: "chloe", email: "chloe@example.com", pools: ["healthcare"], weight: 1, capacity: 1),
        ],
        pools: ["northeast": .init(strategy: .weightedRoundRobin), "healthcare": .init(strategy: .leastLoaded)],
        rules: [
            .init(name: "existing-account", match: "account", when: nil, assign: .accountOwner),
            .init(name: "healthcare", match: nil, when: ["industry": .oneOf(["Healthcare"])], assign: .pool("healthcare")),
            .init(name: "northeast", match: nil, when: ["state": .oneOf(["NY", "MA"])], assign: .pool("northeast")),
        ],
        fallback: .pool("everyone"))

    static let reps = [
        Rep(id: "ana", email: "ana@example.com", pools: ["northeast", "healthcare"], weight: 2, capacity: 40, hubspotOwnerID: "701", salesforceUserID: "005A"),
        Rep(id: "ben", email: "ben@example.com", pools: ["northeast"], weight: 1, capacity: 40, hubspotOwnerID: "702", salesforceUserID: "005B"),
        Rep(id: "chloe", email: "chloe@example.com", pools: ["healthcare"], weight: 1, capacity: 1, hubspotOwnerID: "703", salesforceUserID: "005C"),
    ]

    static func contact(_ id: String, _ fields: [String: String?], at time: Date = now.addingTimeInterval(-3600)) -> SourceRecord {
        SourceRecord(ref: RecordRef(system: .hubspot, object: "contacts", id: id), modifiedAt: time, fields: fields)
    }

    static func lead(_ id: String, _ fields: [String: String?], at time: Date = now.addingTimeInterval(-3600)) -> SourceRecord {
        SourceRecord(ref: RecordRef(system: .salesforce, object: "Lead", id: id), modifiedAt: time, fields: fields)
    }

    static func demoRequest(_ contact: String, daysAgo: Double = 1) -> Activity {
        Activity(id: "form-\(contact)-\(daysAgo)", subject: RecordRef(system: .hubspot, object: "contacts", id: contact), kind: .formSubmission,
                 occurredAt: now.addingTimeInterval(-daysAgo * 86_400), form: "demo-request")
    }

    static func pageView(_ contact: String, _ url: String, id: String, at time: Date) -> Activity {
        Activity(id: id, subject: RecordRef(system: .hubspot, object: "contacts", id: contact), kind: .pageView, occurredAt: time, url: url)
    }

    static func plainLead(_ fields: [String: String]) -> Lead {
        Lead(personKey: PersonKey.email("\(fields["email"] ?? "x")"), sources: [], fields: fields, lifecycle: .lead, modifiedAt: now)
    }
}
