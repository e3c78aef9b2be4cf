/// The standard objects the simulator serves, with the fields of CRM-APIS.md §2.11.
enum SalesforceSchema {
    static let leadStatuses = ["Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"]
    static let industries = ["Agriculture", "Apparel", "Banking", "Biotechnology", "Chemicals", "Communications", "Construction",
                             "Consulting", "Education", "Electronics", "Energy", "Engineering", "Entertainment", "Environmental",
                             "Finance", "Food & Beverage", "Government", "Healthcare", "Hospitality", "Insurance", "Machinery",
                             "Manufacturing", "Media", "Not For Profit", "Recreation", "Retail", "Shipping", "Technology",
                             "Telecommunications", "Transportation", "Utilities", "Other"]
    static let leadSources = ["Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"]

    static func system(_ name: String, _ type: String, _ length: Int = 0, nillable: Bool = true) -> SalesforceField {
        SalesforceField(name: name, type: type, length: length, nillable: nillable, createable: false, updateable: false)
    }

    static func owner() -> SalesforceField {
        SalesforceField(name: "OwnerId", type: "reference", length: 18, nillable: false, referenceTo: ["Group", "User"], relationshipName: "Owner")
    }

    static let common: [SalesforceField] = [
        system("Id", "id", 18, nillable: false),
        system("IsDeleted", "boolean", nillable: false),
        system("CreatedDate", "datetime", nillable: false),
        system("LastModifiedDate", "datetime", nillable: false),
        system("SystemModstamp", "datetime", nillable: false),
    ]

    static let lead = SalesforceObjectType(name: "Lead", keyPrefix: "00Q", fields: common + [
        SalesforceField(name: "FirstName", type: "string", length: 40),
        SalesforceField(name: "LastName", type: "string", length: 80, nillable: false),
        system("Name", "string", 121),
        SalesforceField(name: "Email", type: "email", length: 80),
        SalesforceField(name: "Company", type: "string", length: 255, nillable: false),
        SalesforceField(name: "Title", type: "string", length: 128),
        SalesforceField(name: "Phone", type: "phone", length: 40),
        SalesforceField(name: "Website", type: "url", length: 255),
        SalesforceField(name: "City", type: "string", length: 40),
        SalesforceField(name: "State", type: "string", length: 80),
        SalesforceField(name: "Country", type: "string", length: 80),
        SalesforceField(name: "Status", type: "picklist", length: 255, nillable: false, picklistValues: leadStatuses),
        SalesforceField(name: "LeadSource", type: "picklist", length: 255, picklistValues: leadSources),
        SalesforceField(name: "Industry", type: "picklist", length: 255, picklistValues: industries),
        SalesforceField(name: "AnnualRevenue", type: "currency"),
        SalesforceField(name: "NumberOfEmployees", type: "int"),
        owner(),
        system("IsConverted", "boolean", nillable: false),
        SalesforceField(name: "Disqualification_Reason__c", type: "picklist", length: 255,
                        picklistValues: ["No budget", "No authority", "No need", "Bad timing", "Competitor", "Bad data"]),
        SalesforceField(name: "MobilePhone", type: "phone", length: 40),
        SalesforceField(name: "Street", type: "textarea", length: 255),
        SalesforceField(name: "PostalCode", type: "string", length: 20),
        SalesforceField(name: "Rating", type: "picklist", length: 255, picklistValues: ["Hot", "Warm", "Cold"]),
        SalesforceField(name: "Description", type: "textarea", length: 32_000),
        SalesforceField(name: "HasOptedOutOfEmail", type: "boolean"),
        SalesforceField(name: "DoNotCall", type: "boolean"),
        system("ConvertedDate", "date"),
        SalesforceField(name: "ConvertedAccountId", type: "reference", length: 18, createable: false, updateable: false, referenceTo: ["Account"], relationshipName: "ConvertedAccount"),
        SalesforceField(name: "ConvertedContactId", type: "reference", length: 18, createable: false, updateable: false, referenceTo: ["Contact"], relationshipName: "ConvertedContact"),
        SalesforceField(name: "ConvertedOpportunityId", type: "reference", length: 18, createable: false, updateable: false, referenceTo: ["Opportunity"], relationshipName: "ConvertedOpportunity"),
        SalesforceField(name: "MasterRecordId", type: "reference", length: 18, createable: false, updateable: false, referenceTo: ["Lead"], relationshipName: "MasterRecord"),
        system("LastActivityDate", "date"),
        // No custom field of LeadRelay's: a fresh org has none until `leadrelay setup` (Tooling API) or an admin creates them.
    ])

    static let taskStatuses = ["Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"]

    static let contact = SalesforceObjectType(name: "Contact", keyPrefix: "003", fields: common + [
        SalesforceField(name: "AccountId", type: "reference", length: 18, referenceTo: ["Account"], relationshipName: "Account"),
        SalesforceField(name: "FirstName", type: "string", length: 40),
        SalesforceField(name: "LastName", type: "string", length: 80, nillable: false),
        system("Name", "string", 121),
        SalesforceField(name: "Email", type: "email", length: 80),
        SalesforceField(name: "Phone", type: "phone", length: 40),
        SalesforceField(name: "MobilePhone", type: "phone", length: 40),
        SalesforceField(name: "Title", type: "string", length: 128),
        SalesforceField(name: "LeadSource", type: "picklist", length: 255, picklistValues: leadSources),
        SalesforceField(name: "MailingCity", type: "string", length: 40),
        SalesforceField(name: "MailingState", type: "string", length: 80),
        SalesforceField(name: "MailingCountry", type: "string", length: 80),
        SalesforceField(name: "Description", type: "textarea", length: 32_000),
        SalesforceField(name: "MasterRecordId", type: "reference", length: 18, createable: false, updateable: false, referenceTo: ["Contact"], relationshipName: "MasterRecord"),
        owner(),
    ])

    static let task = SalesforceObjectType(name: "Task", keyPrefix: "00T", fields: common + [
        SalesforceField(name: "WhoId", type: "reference", length: 18, referenceTo: ["Contact", "Lead"], relationshipName: "Who"),
        SalesforceField(name: "WhatId", type: "reference", length: 18, referenceTo: ["Account"], relationshipName: "What"),
        SalesforceField(name: "Subject", type: "combobox", length: 255),
        SalesforceField(name: "ActivityDate", type: "date"),
        SalesforceField(name: "Status", type: "picklist", length: 255, nillable: false, picklistValues: taskStatuses),
        SalesforceField(name: "Priority", type: "picklist", length: 255, nillable: false, picklistValues: ["Normal", "High", "Low"]),
        system("IsClosed", "boolean", nillable: false),
        SalesforceField(name: "CompletedDateTime", type: "datetime", createable: false, updateable: false),
        SalesforceField(name: "TaskSubtype", type: "picklist", length: 40, picklistValues: ["Task", "Email", "Call", "ListEmail", "Cadence"]),
        SalesforceField(name: "Type", type: "picklist", length: 40, picklistValues: ["Call", "Email", "Meeting", "Other"]),
        SalesforceField(name: "Description", type: "textarea", length: 32_000),
        owner(),
    ])

    /// Meetings (`00U…`): timed events have a start and an end (or a duration); invitees' copies are `IsChild`.
    static let event = SalesforceObjectType(name: "Event", keyPrefix: "00U", fields: common + [
        SalesforceField(name: "WhoId", type: "reference", length: 18, referenceTo: ["Contact", "Lead"], relationshipName: "Who"),
        SalesforceField(name: "WhatId", type: "reference", length: 18, referenceTo: ["Account", "Opportunity"], relationshipName: "What"),
        SalesforceField(name: "Subject", type: "combobox", length: 255),
        SalesforceField(name: "StartDateTime", type: "datetime"),
        SalesforceField(name: "EndDateTime", type: "datetime"),
        SalesforceField(name: "ActivityDateTime", type: "datetime"),
        SalesforceField(name: "ActivityDate", type: "date"),
        SalesforceField(name: "DurationInMinutes", type: "int"),
        SalesforceField(name: "IsAllDayEvent", type: "boolean"),
        SalesforceField(name: "EventSubtype", type: "picklist", length: 40, picklistValues: ["Event"]),
        SalesforceField(name: "Location", type: "string", length: 255),
        SalesforceField(name: "Description", type: "textarea", length: 32_000),
        system("IsChild", "boolean", nillable: false),
        system("IsGroupEvent", "boolean", nillable: false),
        owner(),
    ])

    static let account = SalesforceObjectType(name: "Account", keyPrefix: "001", fields: common + [
        SalesforceField(name: "Name", type: "string", length: 255, nillable: false),
        SalesforceField(name: "Website", type: "url", length: 255),
        SalesforceField(name: "Industry", type: "picklist", length: 255, picklistValues: industries),
        SalesforceField(name: "NumberOfEmployees", type: "int"),
        SalesforceField(name: "AnnualRevenue", type: "currency"),
        SalesforceField(name: "BillingState", type: "string", length: 80),
        owner(),
    ])

    static let user = SalesforceObjectType(name: "User", keyPrefix: "005", fields: common + [
        SalesforceField(name: "Username", type: "string", length: 80, nillable: false),
        SalesforceField(name: "Email", type: "email", length: 128, nillable: false),
        SalesforceField(name: "FirstName", type: "string", length: 40),
        SalesforceField(name: "LastName", type: "string", length: 80, nillable: false),
        system("Name", "string", 121),
        SalesforceField(name: "IsActive", type: "boolean", nillable: false),
        SalesforceField(name: "ManagerId", type: "reference", length: 18, referenceTo: ["User"], relationshipName: "Manager"),
    ])

    /// A fresh org's opportunity stages; the closed ones set `IsClosed` (and `Closed Won`, `IsWon`).
    static let opportunityStages = ["Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
                                    "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"]
    static let closedStages: Set<String> = ["Closed Won", "Closed Lost"]

    static let opportunity = SalesforceObjectType(name: "Opportunity", keyPrefix: "006", fields: common + [
        SalesforceField(name: "AccountId", type: "reference", length: 18, referenceTo: ["Account"], relationshipName: "Account"),
        SalesforceField(name: "Name", type: "string", length: 120, nillable: false),
        SalesforceField(name: "StageName", type: "picklist", length: 255, nillable: false, picklistValues: opportunityStages),
        SalesforceField(name: "CloseDate", type: "date", nillable: false),
        SalesforceField(name: "Amount", type: "currency"),
        SalesforceField(name: "Probability", type: "percent"),
        SalesforceField(name: "LeadSource", type: "picklist", length: 255, picklistValues: leadSources),
        SalesforceField(name: "Type", type: "picklist", length: 255, picklistValues: ["Existing Customer - Upgrade", "Existing Customer - Replacement",
                                                                                       "Existing Customer - Downgrade", "New Customer"]),
        system("IsClosed", "boolean", nillable: false),
        system("IsWon", "boolean", nillable: false),
        owner(),
    ])

    /// Queues (and public groups): a lead's `OwnerId` may be a queue's `00G…` id instead of a user's.
    static let group = SalesforceObjectType(name: "Group", keyPrefix: "00G", fields: common + [
        SalesforceField(name: "Name", type: "string", length: 40, nillable: false),
        SalesforceField(name: "DeveloperName", type: "string", length: 80, nillable: false),
        SalesforceField(name: "Type", type: "picklist", length: 40, nillable: false, picklistValues: ["Queue", "Regular"], restrictedPicklist: true),
        SalesforceField(name: "Email", type: "email", length: 255),
    ])

    /// Campaigns (`701…`) and their members (`00v…`): a member `Responded` when their status says so (a fresh org's
    /// member statuses are `Sent` and `Responded`), and `FirstRespondedDate` keeps the day it first did.
    static let campaign = SalesforceObjectType(name: "Campaign", keyPrefix: "701", fields: common + [
        SalesforceField(name: "Name", type: "string", length: 80, nillable: false),
        SalesforceField(name: "Type", type: "picklist", length: 255, picklistValues: ["Conference", "Webinar", "Trade Show", "Public Relations",
                                                                                       "Partners", "Referral Program", "Advertisement", "Banner Ads",
                                                                                       "Direct Mail", "Email", "Telemarketing", "Other"]),
        SalesforceField(name: "Status", type: "picklist", length: 255, picklistValues: ["Planned", "In Progress", "Completed", "Aborted"]),
        SalesforceField(name: "IsActive", type: "boolean"),
        owner(),
    ])

    static let campaignMember = SalesforceObjectType(name: "CampaignMember", keyPrefix: "00v", fields: common + [
        SalesforceField(name: "CampaignId", type: "reference", length: 18, nillable: false, updateable: false, referenceTo: ["Campaign"],
                        relationshipName: "Campaign"),
        SalesforceField(name: "LeadId", type: "reference", length: 18, updateable: false, referenceTo: ["Lead"], relationshipName: "Lead"),
        SalesforceField(name: "ContactId", type: "reference", length: 18, updateable: false, referenceTo: ["Contact"], relationshipName: "Contact"),
        SalesforceField(name: "Status", type: "picklist", length: 40, picklistValues: ["Sent", "Responded"]),
        system("HasResponded", "boolean", nillable: false),
        system("FirstRespondedDate", "date"),
    ])

    static let all: [String: SalesforceObjectType] = ["Lead": lead, "Account": account, "User": user, "Contact": contact, "Task": task, "Event": event,
                                                      "Group": group, "Opportunity": opportunity, "Campaign": campaign,
                                                      "CampaignMember": campaignMember]
}
