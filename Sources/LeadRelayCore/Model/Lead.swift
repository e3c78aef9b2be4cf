import Foundation

/// A person LeadRelay tracks, assembled from every linked CRM record.
///
/// Field values are canonical (mapped through the mapping file and
/// normalised); `sources` says which records they came from.
public struct Lead: Sendable, Hashable, Codable {
    /// Stable key of the person across systems (see `IdentityResolver`).
    public var personKey: PersonKey
    public var sources: [RecordRef]
    /// Canonical field name → value, after mapping rules chose a side.
    public var fields: [String: String]
    public var lifecycle: LifecycleStage
    /// Newest modification time among the sources.
    public var modifiedAt: Date

    public init(personKey: PersonKey, sources: [RecordRef], fields: [String: String], lifecycle: LifecycleStage, modifiedAt: Date) {
        self.personKey = personKey
        self.sources = sources
        self.fields = fields
        self.lifecycle = lifecycle
        self.modifiedAt = modifiedAt
    }

    public var email: String? { fields["email"] }

    /// The record this lead has in `system`, if linked there.
    public func source(in system: CRMSystem) -> RecordRef? {
        sources.first { $0.system == system }
    }

    /// The part of the email after `@`, lower-cased.
    public var emailDomain: String? {
        guard let email, let at = email.lastIndex(of: "@") else { return nil }
        let domain = email[email.index(after: at)...]
        return domain.isEmpty ? nil : domain.lowercased()
    }
}
