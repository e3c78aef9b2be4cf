/// The default rule files, embedded so `demo` and `simulate --write-config` work from any folder.
///
/// They are byte-for-byte the files in the repository (`Mappings/`, `systemd/`); a test keeps them equal.
public enum DefaultFiles {
    /// `Mappings/hubspot-salesforce-accounts.yaml`
    public static let accountMapping = """
    # yaml-language-server: $schema=mapping.schema.json
    # Account mapping: HubSpot companies ↔ Salesforce Accounts, linked by web domain.
    # Each entry: the HubSpot company property, the Salesforce Account field, the type, and the rule.
    object: account
    hubspot: { object: companies }
    salesforce: { object: Account }
    fields:
      domain:    { hubspot: domain,            salesforce: Website,           type: url,     rule: never, identifier: true }
      name:      { hubspot: name,              salesforce: Name,              type: string,  rule: prefer-salesforce-unless-blank }
      employees: { hubspot: numberofemployees, salesforce: NumberOfEmployees, type: integer, rule: fill-if-empty }
      revenue:   { hubspot: annualrevenue,     salesforce: AnnualRevenue,     type: decimal, rule: fill-if-empty }
      state:     { hubspot: state,             salesforce: BillingState,      type: string,  rule: two-way }
      industry:
        hubspot: industry
        salesforce: Industry
        type: picklist
        rule: prefer-salesforce-unless-blank
        values:
          COMPUTER_SOFTWARE: Technology
          HOSPITAL_HEALTH_CARE: Healthcare
          FINANCIAL_SERVICES: Finance
          RETAIL: Retail
          MACHINERY: Machinery
          BANKING: Banking
          INSURANCE: Insurance
          EDUCATION_MANAGEMENT: Education
          TELECOMMUNICATIONS: Telecommunications
          MARKETING_AND_ADVERTISING: Media
      owner:     { hubspot: hubspot_owner_id,  salesforce: OwnerId,           type: owner,   rule: leadrelay }

    """

    /// `Mappings/hubspot-salesforce.yaml`
    public static let mapping = """
    # yaml-language-server: $schema=mapping.schema.json
    # Lead mapping: one canonical field per entry, with the HubSpot contact property,
    # the Salesforce Lead field, the type, and the rule that decides which side wins.
    # Rules: two-way, prefer-hubspot, prefer-salesforce, prefer-hubspot-unless-blank,
    # prefer-salesforce-unless-blank, fill-if-empty, hubspot-to-salesforce,
    # salesforce-to-hubspot, never, leadrelay (written by routing only).
    object: lead
    hubspot: { object: contacts }
    salesforce: { object: Lead }
    fields:
      email:         { hubspot: email,            salesforce: Email,             type: email,   rule: two-way, identifier: true }
      firstName:     { hubspot: firstname,        salesforce: FirstName,         type: string,  rule: two-way }
      lastName:      { hubspot: lastname,         salesforce: LastName,          type: string,  rule: two-way }
      company:       { hubspot: company,          salesforce: Company,           type: string,  rule: prefer-salesforce-unless-blank }
      title:         { hubspot: jobtitle,         salesforce: Title,             type: string,  rule: two-way }
      phone:         { hubspot: phone,            salesforce: Phone,             type: phone,   rule: two-way }
      state:         { hubspot: state,            salesforce: State,             type: string,  rule: two-way }
      # On HubSpot contacts numemployees is a choice of ranges (1-5 … 1000+) and industry and annualrevenue free text:
      # a number goes there as the range that holds it, a range comes back as its lower bound (the portal's own
      # options, read at start-up; give ranges: [1-50, 51-200, …] here to pin them), and industry is written as
      # Salesforce's value. A value a field cannot hold is held with the reason, never sent.
      employees:     { hubspot: numemployees,     salesforce: NumberOfEmployees, type: integer, rule: fill-if-empty }
      annualRevenue: { hubspot: annualrevenue,    salesforce: AnnualRevenue,     type: decimal, rule: fill-if-empty }
      industry:
        hubspot: industry
        salesforce: Industry
        type: picklist
        rule: prefer-salesforce-unless-blank
        values:
          COMPUTER_SOFTWARE: Technology
          HOSPITAL_HEALTH_CARE: Healthcare
          FINANCIAL_SERVICES: Finance
          RETAIL: Retail
          MACHINERY: Machinery
          BANKING: Banking
          INSURANCE: Insurance
          EDUCATION_MANAGEMENT: Education
          TELECOMMUNICATIONS: Telecommunications
          MARKETING_AND_ADVERTISING: Media
      owner:         { hubspot: hubspot_owner_id, salesforce: OwnerId,           type: owner,   rule: leadrelay }
    # Duplicates of one person within one CRM (personal and work addresses, a re-import): the survivor is chosen by
    # the rules in order (owned, most-complete, oldest, newest); every other record gets the survivor's id in the
    # flag field, so reps and reports can filter them out. The two custom fields must exist (leadrelay audit checks).
    duplicates:
      flag: { hubspot: leadrelay_duplicate_of, salesforce: LeadRelay_Duplicate_Of__c }
      survivor: [owned, most-complete, oldest]
    # Where a lead stands after the hand-off, in each CRM's own status field: LeadRelay reads any listed value as that
    # stage and writes the first, so a rep accepting (Working) in Salesforce shows as IN_PROGRESS in HubSpot, and a lead
    # HubSpot disqualifies is closed in Salesforce. HubSpot's lifecyclestage follows on its own (SQL, opportunity,
    # customer forward; a recycle moves it back to lead, cleared first, as HubSpot requires). A stage a side lists nothing
    # for is never written there: a fresh org has no qualified or recycled status (converting is the rep's act); an org
    # that adds them names them here, e.g. salesforce: { recycled: Recycled }. These are a fresh portal's and org's values.
    lifecycle:
      hubspot:
        field: hs_lead_status
        sal: [IN_PROGRESS, CONNECTED, ATTEMPTED_TO_CONTACT]
        opportunity: OPEN_DEAL
        recycled: BAD_TIMING
        disqualified: UNQUALIFIED
      salesforce:
        field: Status
        sal: Working - Contacted
        disqualified: Closed - Not Converted
    """ + "\n"

    /// `systemd/scoring.yaml`
    public static let scoring = """
    # Fit (who the lead is) plus interest (what they did, halving every halfLife).
    # A lead becomes an MQL at `threshold` total points with at least `minimumFit` fit points.
    mql: { threshold: 100, minimumFit: 30, hysteresis: 10 }   # re-MQL after a recycle only once below 90
    fit:
      - { name: senior-title,  when: { seniority: { in: [c-level, vp, director] } }, points: 25 }
      - { name: target-size,   when: { employees: { between: [200, 5000] } },        points: 20 }
      - { name: target-sector, when: { industry: { in: [Technology, Healthcare] } }, points: 15 }
      - { name: work-email,    when: { emailClass: work },                           points: 10 }
      - { name: free-mail,     when: { emailClass: free },                           points: -20 }
    interest:
      halfLife: 30d
      events:
        - { name: demo-request, type: form-submission, form: demo-request, points: 60 }
        - { name: contact-us,   type: form-submission, form: contact-us,   points: 30 }
        - { name: pricing-page, type: page-view, url: "*/pricing*", points: 10, maxPerDay: 2 }
        - { name: email-click,  type: email-click, points: 2 }
        - { name: campaign-response, type: campaign-response, points: 15 }   # a Salesforce campaign the lead responded to
        - { name: careers-page, type: page-view, url: "*/careers*", points: -15 }
    """ + "\n"

    /// `systemd/routing.yaml`
    public static let routing = """
    # Reps, their pools, and the rules in order: the first rule that places a lead wins.
    # Reps are matched to HubSpot owners and Salesforce users by email.
    reps:
      - { id: ana,   name: Ana Silva,    email: ana@example.com,   pools: [northeast, healthcare], weight: 2, capacity: 40 }
      - { id: ben,   name: Ben Okafor,   email: ben@example.com,   pools: [northeast],             weight: 1, capacity: 40 }
      - { id: chloe, name: Chloe Martin, email: chloe@example.com, pools: [healthcare],            weight: 1, capacity: 40 }
      - { id: dev,   name: Dev Patel,    email: dev@example.com,   pools: [west],                  weight: 1, capacity: 40 }
      - { id: eli,   name: Eli Cohen,    email: eli@example.com,   pools: [west],                  weight: 1, capacity: 40 }
      - { id: fay,   name: Fay Nguyen,   email: fay@example.com,   pools: [central],               weight: 1, capacity: 40 }
    pools:
      northeast:  { strategy: weighted-round-robin }
      healthcare: { strategy: least-loaded }
      west:       { strategy: weighted-round-robin }
      central:    { strategy: weighted-round-robin }
    rules:
      - { name: existing-account, match: account, assign: account-owner }
      - { name: healthcare,       when: { industry: { in: [Healthcare] } },      assign: { pool: healthcare } }
      - { name: northeast,        when: { state: { in: [NY, MA, CT, NJ, PA] } }, assign: { pool: northeast } }
      - { name: west,             when: { state: { in: [CA, WA, OR, CO] } },     assign: { pool: west } }
    fallback: { pool: everyone }
    # Working hours by name. A rep with `calendar: office` (or their own `timeZone` and `hours`) is routed only inside
    # them; sla.yaml's `calendar:` is the SLA clock of reps without hours of their own.
    calendars:
      office: { timeZone: America/New_York, hours: { mon-fri: ["09:00-12:00", "13:00-17:30"] }, holidays: [2026-12-25, 2027-01-01] }
    # Who holds an MQL nobody else can take (every rep at capacity, capped or away): never left unowned.
    # A Salesforce lead queue (its API name, label or 00G… id; found among the org's queues each cycle) owns the
    # lead; HubSpot's owner is set to `hubspot:` (an owner id), emptied (`clear`) or left as it is (no key); `alert:`
    # hears of each one. Or one rep who takes them whatever their load: `stranded: { rep: ana }`.
    # Counted in leadrelay_stranded_total{reason,outcome}.
    stranded:
      queue: { salesforce: Unassigned_Leads, alert: sales-ops@example.com }
    """ + "\n"

    /// `systemd/sla.yaml`
    public static let sla = """
    # Service levels for MQLs, measured from assignment (`leadrelay sla due` shows when a lead is due and why).
    # The SLA monitor reminds reps, and tells them and their managers of breaches; reassignment, persistence and
    # disposition come in a later release (`leadrelay check` reads every key and says so).
    calendar: office      # routing.yaml's calendar for reps without working hours of their own
    outOfOffice: pause    # an owner's time off stops their clock (or: reassign)
    tiers:                # the first tier whose `when` holds; the last, without `when`, takes every other MQL
      # businessHours: true counts the owner's working hours only; without it the target is wall-clock time.
      - { name: hot,  when: { event: demo-request }, firstTouchWithin: 2h, businessHours: true, remindAt: [0.5, 0.75, 0.9] }
      - { name: warm, firstTouchWithin: 24h, remindAt: [0.75] }
    persistence: { minimumTouches: 6, within: 14d, spacing: 4h, onFailure: recycle }
    breach:
      notify: manager     # the rep and their manager; owner: the rep only; none: nobody
      managers: { ana: sales-lead@example.com, ben: ana, chloe: ana, dev: ana, eli: ana, fay: ana }   # rep → a rep or an address
      reassignAfter: 4h
      neverBackTo: previous-owners
    disposition:
      requiredFor: [Unqualified, Rejected]
      reasonField: { salesforce: Disqualification_Reason__c, hubspot: hs_lead_disqualification_reason }
    """ + "\n"
}
