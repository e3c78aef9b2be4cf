import Foundation
import LeadRelayCore

/// The date formats each CRM speaks on the wire.
public enum CRMTimestamps {
    /// HubSpot: `2024-06-10T17:01:44.908Z` (UTC, milliseconds).
    public static func hubspot(_ date: Date) -> String {
        ISOTimestamp.format(date, fractional: true, suffix: "Z")
    }

    /// Salesforce: `2024-06-10T17:01:44.000+0000` (UTC, second precision shown as `.000`).
    public static func salesforce(_ date: Date) -> String {
        ISOTimestamp.format(Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)), fractional: true, suffix: "+0000")
    }

    /// SOQL datetime literal: `2024-06-10T17:01:44Z` (no offset sign to survive URL encoding).
    public static func soqlLiteral(_ date: Date) -> String {
        ISOTimestamp.format(Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)), fractional: false, suffix: "Z")
    }

    /// What either API sends: ISO 8601 with or without a fraction, `Z`, `±hh:mm` or `±hhmm`, or HubSpot's epoch
    /// milliseconds.
    public static func parse(_ text: String) -> Date? {
        ISOTimestamp.parse(text)
    }
}
