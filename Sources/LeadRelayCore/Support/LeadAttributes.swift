/// The attributes rules can test, canonical fields plus a few derived ones.
///
/// Derived: `emailDomain`, `emailClass` (`free`/`work`), `seniority`
/// (from `title`: c-level, vp, director, manager, individual), `lifecycle`.
public enum LeadAttributes {
    public static let derived: Set<String> = ["emailDomain", "emailClass", "seniority", "lifecycle"]

    /// The value of `name` for `lead`, or `nil` when the lead does not have it.
    public static func value(_ name: String, of lead: Lead) -> String? {
        switch name {
        case "emailDomain": return lead.emailDomain
        case "emailClass": return lead.email.flatMap(EmailAddress.classify)
        case "seniority": return Seniority.of(title: lead.fields["title"])?.rawValue
        case "lifecycle": return lead.lifecycle.rawValue
        default: return lead.fields[name]
        }
    }

    /// Tests every condition of a `when` block (all must hold).
    public static func matches(_ when: [String: Condition], _ lead: Lead) -> Bool {
        when.allSatisfy { $0.value.matches(value($0.key, of: lead)) }
    }

    /// Renders a `when` block for reasons, keys sorted: `industry in [Healthcare]`.
    public static func describe(_ when: [String: Condition]) -> String {
        when.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.summary)" }.joined(separator: " and ")
    }
}
