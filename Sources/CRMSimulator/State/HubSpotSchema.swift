/// The HubSpot properties the simulator knows, per object type.
enum HubSpotSchema {
    static let lifecycleStages = ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "evangelist", "other"]
    static let leadStatuses = ["NEW", "OPEN", "IN_PROGRESS", "OPEN_DEAL", "UNQUALIFIED", "ATTEMPTED_TO_CONTACT", "CONNECTED", "BAD_TIMING"]
    static let industries = ["COMPUTER_SOFTWARE", "HOSPITAL_HEALTH_CARE", "FINANCIAL_SERVICES", "RETAIL", "MACHINERY",
                             "BANKING", "INSURANCE", "EDUCATION_MANAGEMENT", "TELECOMMUNICATIONS", "MARKETING_AND_ADVERTISING"]

    /// A fresh portal's options for the contact property `numemployees`.
    static let employeeRanges = ["1-5", "5-25", "25-50", "50-100", "100-500", "500-1000", "1000+"]

    /// The default range option a headcount falls in (a shared bound belongs to the higher range).
    static func employeeRange(_ employees: Int) -> String {
        switch employees {
        case ..<5: "1-5"
        case ..<25: "5-25"
        case ..<50: "25-50"
        case ..<100: "50-100"
        case ..<500: "100-500"
        case ..<1000: "500-1000"
        default: "1000+"
        }
    }

    static func text(_ name: String, _ label: String) -> HubSpotProperty {
        HubSpotProperty(name: name, label: label, type: "string", fieldType: "text", options: [])
    }

    static func number(_ name: String, _ label: String) -> HubSpotProperty {
        HubSpotProperty(name: name, label: label, type: "number", fieldType: "number", options: [])
    }

    static func readOnlyDate(_ name: String, _ label: String) -> HubSpotProperty {
        HubSpotProperty(name: name, label: label, type: "datetime", fieldType: "date", options: [], readOnlyValue: true)
    }

    static func enumeration(_ name: String, _ label: String, _ options: [String]) -> HubSpotProperty {
        HubSpotProperty(name: name, label: label, type: "enumeration", fieldType: "select", options: options)
    }

    static let owner = HubSpotProperty(name: "hubspot_owner_id", label: "Contact owner", type: "enumeration", fieldType: "select",
                                       options: [], externalOptions: true, referencedObjectType: "OWNER")

    static let properties: [String: [HubSpotProperty]] = [
        "contacts": [
            HubSpotProperty(name: "email", label: "Email", type: "string", fieldType: "text", options: [], hasUniqueValue: true),
            text("firstname", "First Name"), text("lastname", "Last Name"), text("company", "Company Name"),
            text("jobtitle", "Job Title"), text("phone", "Phone Number"), text("website", "Website URL"),
            text("city", "City"), text("state", "State/Region"), text("country", "Country/Region"),
            // On contacts these are not the company's types: industry and revenue are free text, the headcount a
            // choice of ranges (CRM-APIS.md Part 6); portals edit the ranges.
            text("industry", "Industry"), text("annualrevenue", "Annual Revenue"),
            enumeration("numemployees", "Number of Employees", employeeRanges),
            enumeration("lifecyclestage", "Lifecycle Stage", lifecycleStages),
            enumeration("hs_lead_status", "Lead Status", leadStatuses),
            owner, readOnlyDate("hubspot_owner_assigneddate", "Owner Assigned Date"),
            readOnlyDate("createdate", "Create Date"), readOnlyDate("lastmodifieddate", "Last Modified Date"),
            HubSpotProperty(name: "hs_object_id", label: "Record ID", type: "number", fieldType: "number", options: [], readOnlyValue: true),
            text("hs_lead_disqualification_reason", "Disqualification reason"),
            // A custom date property, as RevOps teams add for hand-off dates: date values must be midnight UTC.
            HubSpotProperty(name: "sales_handoff_date", label: "Sales hand-off date", type: "date", fieldType: "date", options: []),
            // No custom property of LeadRelay's: a fresh portal has none until `leadrelay setup` (or an admin) creates them.
            // Written by HubSpot's Salesforce integration: the lead a contact is synced with.
            text("salesforceleadid", "Salesforce Lead ID"),
            HubSpotProperty(name: "hs_merged_object_ids", label: "Merged Contact IDs", type: "enumeration", fieldType: "checkbox",
                            options: [], readOnlyValue: true),
            HubSpotProperty(name: "hs_additional_emails", label: "Additional email addresses", type: "enumeration", fieldType: "checkbox",
                            options: [], readOnlyValue: true),
            HubSpotProperty(name: "associatedcompanyid", label: "Primary Associated Company ID", type: "number", fieldType: "number",
                            options: [], readOnlyValue: true),
        ] + SimulatorState.analyticsProperties,
        "companies": [
            text("name", "Company name"), text("domain", "Company Domain Name"), text("website", "Website URL"),
            enumeration("industry", "Industry", industries), number("annualrevenue", "Annual Revenue"),
            number("numberofemployees", "Number of Employees"), text("state", "State/Region"),
            owner, readOnlyDate("createdate", "Create Date"), readOnlyDate("hs_lastmodifieddate", "Last Modified Date"),
            HubSpotProperty(name: "hs_object_id", label: "Record ID", type: "number", fieldType: "number", options: [], readOnlyValue: true),
        ],
    ].merging(engagements) { own, _ in own }

    /// Properties returned when a request names none (CRM-APIS.md §1.6).
    static let defaults: [String: [String]] = [
        "contacts": ["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"],
        "companies": ["name", "domain", "createdate", "hs_lastmodifieddate", "hs_object_id"],
        "calls": ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
        "emails": ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
        "meetings": ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
    ]

    /// Call outcomes: every portal's default GUIDs (SLA-ALERTS-OPS §1.2), labels resolved through the properties API.
    static let callDispositions = ["9d9162e7-6cf3-4944-bf63-4dff82258764", "f240bbac-87c9-4f6e-bf70-924b57d47db7",
                                   "a4c4c377-d246-4b32-a13b-75a56a4cd0ff", "b2cf5968-551e-4856-9783-52b3da59a7d0",
                                   "73a0d17f-1163-4015-bdd5-ec830791da20", "17b47fee-58de-441e-a44c-c6300d46f273"]

    /// What every engagement object has: its time on the timeline (required on create), its owner, its dates.
    static func engagement(_ label: String) -> [HubSpotProperty] {
        [HubSpotProperty(name: "hs_timestamp", label: "Activity date", type: "datetime", fieldType: "date", options: []),
         HubSpotProperty(name: "hubspot_owner_id", label: "\(label) owner", type: "enumeration", fieldType: "select",
                         options: [], externalOptions: true, referencedObjectType: "OWNER"),
         readOnlyDate("hs_createdate", "Create date"), readOnlyDate("hs_lastmodifieddate", "Last modified date"),
         HubSpotProperty(name: "hs_object_id", label: "Record ID", type: "number", fieldType: "number", options: [], readOnlyValue: true)]
    }

    /// Calls, emails and meetings: the engagement objects that are sales touches (SLA-ALERTS-OPS §1.1–1.2).
    static let engagements: [String: [HubSpotProperty]] = [
        "calls": engagement("Activity assigned to") + [
            enumeration("hs_call_direction", "Call direction", ["INBOUND", "OUTBOUND"]),
            enumeration("hs_call_disposition", "Call outcome", callDispositions),
            enumeration("hs_call_status", "Call status", ["BUSY", "CALLING_CRM_USER", "CANCELED", "COMPLETED", "CONNECTING", "FAILED",
                                                          "IN_PROGRESS", "NO_ANSWER", "QUEUED", "RINGING"]),
            number("hs_call_duration", "Call duration"), text("hs_call_title", "Call title"), text("hs_call_body", "Call notes"),
            text("hs_call_from_number", "From number"), text("hs_call_to_number", "To number"),
        ],
        "emails": engagement("Activity assigned to") + [
            enumeration("hs_email_direction", "Email direction", ["EMAIL", "INCOMING_EMAIL", "FORWARDED_EMAIL"]),
            enumeration("hs_email_status", "Email send status", ["BOUNCED", "FAILED", "SCHEDULED", "SENDING", "SENT"]),
            text("hs_email_subject", "Email subject"), text("hs_email_text", "Email body"), text("hs_email_html", "Email HTML"),
            text("hs_email_headers", "Email headers"),
        ],
        "meetings": engagement("Activity assigned to") + [
            text("hs_meeting_title", "Meeting name"), text("hs_meeting_body", "Meeting description"),
            HubSpotProperty(name: "hs_meeting_start_time", label: "Start time", type: "datetime", fieldType: "date", options: []),
            HubSpotProperty(name: "hs_meeting_end_time", label: "End time", type: "datetime", fieldType: "date", options: []),
            // Portals define their own outcomes; these are the ones seen in every portal.
            enumeration("hs_meeting_outcome", "Meeting outcome", ["SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED"]),
            text("hs_meeting_location", "Location"), text("hs_internal_meeting_notes", "Internal notes"),
        ],
    ]
}
