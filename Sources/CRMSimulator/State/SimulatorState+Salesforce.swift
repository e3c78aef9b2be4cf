import _CryptoExtras
import Foundation
import LeadRelayCore

extension SimulatorState {
    /// Default and maximum page size of `query` (the `batchSize` hint may lower it to 200).
    static let salesforcePageSize = 2000
    static let compositeLimit = 200

    // MARK: Control API (acting as sales reps and admins do)

    /// Inserts a row as the UI would; returns its 18-character id.
    @discardableResult
    public func createSalesforceRecord(_ object: String, fields: [String: SimJSON], at time: Date? = nil) throws -> String {
        try salesforceCreate(object, fields: fields, at: time, countAsAPIWrite: false)
    }

    public func salesforceRecord(_ object: String, id: String) -> SalesforceRecord? {
        salesforceRecords[object]?[id]
    }

    public func salesforceRecords(_ object: String) -> [SalesforceRecord] {
        (salesforceRecords[object] ?? [:]).values.sorted { $0.id < $1.id }
    }

    /// The integration user the API runs as (created on first use); it owns records created without an owner.
    public func apiUserID() -> String {
        if let apiUser { return apiUser }
        let id = nextSalesforceID(prefix: "005")
        let stamp = secondPrecision(now().addingTimeInterval(-400 * 86_400))
        salesforceRecords["User", default: [:]][id] = SalesforceRecord(id: id, fields: [
            "Id": .string(id), "Username": .string(Self.apiUserEmail + ".sim"), "Email": .string(Self.apiUserEmail),
            "FirstName": .string("Marketing"), "LastName": .string("Integration"), "Name": .string("Marketing Integration"), "IsActive": .bool(true),
            "IsDeleted": .bool(false), "CreatedDate": .datetime(stamp), "LastModifiedDate": .datetime(stamp), "SystemModstamp": .datetime(stamp),
        ])
        apiUser = id
        return id
    }

    public static let apiUserEmail = "integration@example.com"

    // MARK: Auth

    func issueToken(clientID: String, clientSecret: String) -> String? {
        guard clientID == credentials.salesforceClientID, clientSecret == credentials.salesforceClientSecret else { return nil }
        return newSalesforceSession()
    }

    /// A new session id, remembered with its issue time (whatever grant earned it).
    func newSalesforceSession() -> String {
        let token = "00D5g000004SIM!" + String(UInt64.random(in: 1...UInt64.max), radix: 36)
        issuedTokens[token] = clock()
        return token
    }

    /// Uploads the connected app's certificate (its public key, PEM): JWT assertions are verified with it.
    public func uploadSalesforceCertificate(publicKeyPEM: String) throws {
        salesforceCertificate = try _RSA.Signing.PublicKey(pemRepresentation: publicKeyPEM)
    }

    /// The JWT bearer grant: a three-part RS256 assertion signed with the key of the certificate uploaded to the
    /// connected app, whose `iss` is the client id, `sub` an active user's username, `aud` the login host, and `exp` in
    /// the next few minutes. Without an uploaded certificate every assertion is refused, as Salesforce refuses them.
    func issueTokenForJWT(_ assertion: String) -> Result<String, JWTRefusal> {
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = Self.base64URLJSON(parts[0]), let claims = Self.base64URLJSON(parts[1]), !parts[2].isEmpty,
              header["alg"] == "RS256" else { return .failure(JWTRefusal(message: "invalid assertion")) }
        guard let certificate = salesforceCertificate, let signature = Self.base64URL(parts[2]),
              certificate.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: Data((parts[0] + "." + parts[1]).utf8),
                                           padding: .insecurePKCS1v1_5) else {
            return .failure(JWTRefusal(message: "invalid assertion"))
        }
        guard claims["iss"]?.stringValue == credentials.salesforceClientID,
              let audience = claims["aud"]?.stringValue, audience.hasPrefix("https://login.salesforce.com") || audience.hasPrefix("https://test.salesforce.com") || audience.hasPrefix("http://127.0.0.1") else {
            return .failure(JWTRefusal(message: "invalid assertion"))
        }
        guard let username = claims["sub"]?.stringValue,
              (salesforceRecords["User"] ?? [:]).values.contains(where: { $0.fields["Username"] == .string(username) && $0.fields["IsActive"] != .bool(false) }) else {
            return .failure(JWTRefusal(message: "user hasn't approved this consumer"))
        }
        let now = clock().timeIntervalSince1970
        guard let expiry = claims["exp"]?.doubleValue, expiry > now, expiry <= now + 300 else {
            return .failure(JWTRefusal(message: "expired authorization code"))
        }
        return .success(newSalesforceSession())
    }

    static func base64URLJSON(_ part: Substring) -> SimJSON? {
        base64URL(part).flatMap { try? SimJSON.decode($0) }
    }

    static func base64URL(_ part: Substring) -> Data? {
        var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return Data(base64Encoded: text)
    }

    func isValidSalesforceToken(_ token: String) -> Bool {
        guard let issued = issuedTokens[token] else { return false }
        if let lifetime = salesforceSessionLifetime, clock().timeIntervalSince(issued) >= lifetime { return false }
        return true
    }

    /// Invalidates every issued session (tests use it to force re-authentication).
    public func expireSalesforceSessions() { issuedTokens.removeAll() }

    /// The access tokens valid now (tests look for them where they must never be, such as logs).
    public func salesforceSessionTokens() -> [String] { Array(issuedTokens.keys) }

    /// Seconds an unread query cursor lives before `INVALID_QUERY_LOCATOR` (Salesforce: about 900).
    public func setSalesforceQueryLocatorIdle(_ seconds: Double) { queryLocatorIdle = seconds }

    /// Sessions expire this many seconds after they were issued (`nil`: never); the token response never says so.
    public func setSalesforceSessionLifetime(_ seconds: Double?) { salesforceSessionLifetime = seconds }

    // MARK: Rows

    func nextSalesforceID(prefix: String) -> String {
        salesforceNextNumber += 1
        return SalesforceID.make(prefix: prefix, number: salesforceNextNumber)
    }

    func salesforceCreate(_ object: String, fields: [String: SimJSON], at time: Date? = nil, countAsAPIWrite: Bool = true) throws(SalesforceError) -> String {
        guard let type = salesforceTypes[object] else {
            throw SalesforceError(status: 400, errorCode: "INVALID_TYPE", message: "sObject type '\(object)' is not supported.")
        }
        var values = try convert(fields, for: type, creating: true)
        // Salesforce makes the calling user the owner when none is given.
        if type.field("OwnerId") != nil, values["OwnerId"] == nil || values["OwnerId"] == .null {
            values["OwnerId"] = .string(apiUserID())
        }
        for field in type.fields where !field.nillable && field.createable && field.type != "boolean" {
            if values[field.name] == nil || values[field.name] == .null {
                if field.type == "picklist", let first = field.picklistValues.first { values[field.name] = .string(first); continue }
                throw SalesforceError(status: 400, errorCode: "REQUIRED_FIELD_MISSING", message: "Required fields are missing: [\(field.name)]", fields: [field.name])
            }
        }
        if countAsAPIWrite, let fault = drawRecordFault() { throw fault }
        let id = nextSalesforceID(prefix: type.keyPrefix)
        let stamp = commitStamp(time)
        values["Id"] = .string(id)
        values["IsDeleted"] = .bool(false)
        values["CreatedDate"] = .datetime(stamp)
        values["LastModifiedDate"] = .datetime(stamp)
        values["SystemModstamp"] = .datetime(stamp)
        if type.field("IsConverted") != nil { values["IsConverted"] = .bool(false) }
        if type.field("Name") != nil, type.field("LastName") != nil {
            let name = [values["FirstName"]?.text, values["LastName"]?.text].compactMap { $0 }.joined(separator: " ")
            values["Name"] = .string(name)
        }
        applyRules(object, &values, stamp: stamp)
        salesforceRecords[object, default: [:]][id] = SalesforceRecord(id: id, fields: values)
        if countAsAPIWrite { logWrite(.salesforce, object, id, fields.compactMapValues(\.flatText), created: true) }
        return id
    }

    /// Updates a row; with `ifUnmodifiedSince`, refuses (412) when the row changed after that instant.
    func salesforceUpdate(_ object: String, id: String, fields: [String: SimJSON], ifUnmodifiedSince: Date? = nil,
                          countAsAPIWrite: Bool = true) throws(SalesforceError) {
        guard let type = salesforceTypes[object] else {
            throw SalesforceError(status: 400, errorCode: "INVALID_TYPE", message: "sObject type '\(object)' is not supported.")
        }
        guard var record = salesforceRecords[object]?[canonicalID(id, object: object) ?? id] else {
            throw SalesforceError(status: 404, errorCode: "NOT_FOUND", message: "Provided external ID field does not exist or is not accessible: \(id)")
        }
        if record.fields["IsDeleted"] == .bool(true) {
            throw SalesforceError(status: 404, errorCode: "ENTITY_IS_DELETED", message: "entity is deleted")
        }
        if record.fields["IsConverted"] == .bool(true) {
            throw SalesforceError(status: 400, errorCode: "CANNOT_UPDATE_CONVERTED_LEAD", message: "cannot reference converted lead")
        }
        if let ifUnmodifiedSince, case .datetime(let modified)? = record.fields["LastModifiedDate"],
           modified.timeIntervalSince1970.rounded(.down) > ifUnmodifiedSince.timeIntervalSince1970.rounded(.down) {
            throw SalesforceError(status: 412, errorCode: "PRECONDITION_FAILED",
                                  message: "The requested resource has been modified since the time specified in If-Unmodified-Since")
        }
        let values = try convert(fields, for: type, creating: false)
        if countAsAPIWrite, let fault = drawRecordFault() { throw fault }
        let stamp = commitStamp()
        for (name, value) in values { record.fields[name] = value }
        record.fields["LastModifiedDate"] = .datetime(stamp)
        record.fields["SystemModstamp"] = .datetime(stamp)
        applyRules(object, &record.fields, stamp: stamp)
        salesforceRecords[object]?[record.id] = record
        if countAsAPIWrite { logWrite(.salesforce, object, record.id, fields.compactMapValues(\.flatText), created: false) }
    }

    func salesforceDelete(_ object: String, id: String, countAsAPIWrite: Bool = true) throws(SalesforceError) {
        guard var record = salesforceRecords[object]?[canonicalID(id, object: object) ?? id] else {
            throw SalesforceError(status: 404, errorCode: "NOT_FOUND", message: "The requested resource does not exist")
        }
        guard record.fields["IsDeleted"] != .bool(true) else {
            throw SalesforceError(status: 404, errorCode: "ENTITY_IS_DELETED", message: "entity is deleted")
        }
        record.fields["IsDeleted"] = .bool(true)
        record.fields["SystemModstamp"] = .datetime(commitStamp())
        salesforceRecords[object]?[record.id] = record
        if countAsAPIWrite { logWrite(.salesforce, object, record.id, ["IsDeleted": "true"], created: false) }
    }

    /// A row as the sObject GET resource returns it: every field (or those asked for), with `attributes`.
    func salesforceRow(_ object: String, id: String, fields requested: [String]?, version: String) throws(SalesforceError) -> SimJSON {
        guard let type = salesforceTypes[object] else {
            throw SalesforceError(status: 404, errorCode: "NOT_FOUND", message: "The requested resource does not exist")
        }
        guard let row = salesforceRecords[object]?[canonicalID(id, object: object) ?? id], row.fields["IsDeleted"] != .bool(true) else {
            throw SalesforceError(status: 404, errorCode: "NOT_FOUND", message: "The requested resource does not exist")
        }
        let names = requested ?? type.fields.map(\.name)
        for name in names where type.field(name) == nil {
            throw SalesforceError(status: 400, errorCode: "INVALID_FIELD", message: "No such column '\(name)' on entity '\(object)'")
        }
        let evaluator = SOQLEvaluator(type: type) { _, _ in nil }
        return render(row, type: type, fields: names, evaluator: evaluator, version: version)
    }

    /// Accepts 15- or 18-character ids.
    func canonicalID(_ id: String, object: String) -> String? {
        guard id.count == 15 else { return id }
        return salesforceRecords[object]?.keys.first { $0.hasPrefix(id) }
    }

    func secondPrecision(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    /// Checks each field against the describe and converts JSON to typed values.
    func convert(_ fields: [String: SimJSON], for type: SalesforceObjectType, creating: Bool) throws(SalesforceError) -> [String: SalesforceValue] {
        var result: [String: SalesforceValue] = [:]
        for (name, json) in fields.sorted(by: { $0.key < $1.key }) where name != "attributes" {
            guard let field = type.field(name) else {
                throw SalesforceError(status: 400, errorCode: "INVALID_FIELD", message: "No such column '\(name)' on sobject of type \(type.name)", fields: [name])
            }
            guard creating ? field.createable : field.updateable else {
                throw SalesforceError(status: 400, errorCode: "INVALID_FIELD_FOR_INSERT_UPDATE",
                                      message: "Unable to create/update fields: \(field.name). Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
                                      fields: [field.name])
            }
            if json == .null || json == .string("") {
                guard field.nillable else {
                    throw SalesforceError(status: 400, errorCode: "REQUIRED_FIELD_MISSING", message: "Required fields are missing: [\(field.name)]", fields: [field.name])
                }
                result[field.name] = .null
                continue
            }
            switch field.type {
            case "int", "double", "currency", "percent":
                guard let number = json.doubleValue else {
                    throw SalesforceError(status: 400, errorCode: "JSON_PARSER_ERROR", message: "Cannot deserialize instance of \(field.type) from value \(json.flatText ?? "")", fields: [field.name])
                }
                result[field.name] = .number(number)
            case "boolean":
                guard let flag = json.boolValue else {
                    throw SalesforceError(status: 400, errorCode: "JSON_PARSER_ERROR", message: "Cannot deserialize instance of boolean", fields: [field.name])
                }
                result[field.name] = .bool(flag)
            case "reference":
                let target = json.flatText ?? ""
                let exists = field.referenceTo.contains { object in
                    guard let row = salesforceRecords[object]?[canonicalID(target, object: object) ?? target] else { return false }
                    return row.fields["IsActive"] != .bool(false)
                }
                guard exists else {
                    throw SalesforceError(status: 400, errorCode: "INVALID_CROSS_REFERENCE_KEY",
                                          message: "invalid cross reference id", fields: [field.name])
                }
                result[field.name] = .string(target)
            default:
                let text = json.flatText ?? ""
                if field.length > 0, text.count > field.length {
                    throw SalesforceError(status: 400, errorCode: "STRING_TOO_LONG",
                                          message: "\(field.name): data value too large: \(text.prefix(20))... (max length=\(field.length))", fields: [field.name])
                }
                if field.restrictedPicklist, !field.picklistValues.contains(text) {
                    throw SalesforceError(status: 400, errorCode: "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                                          message: "bad value for restricted picklist field: \(text)", fields: [field.name])
                }
                result[field.name] = .string(text)
            }
        }
        return result
    }

    // MARK: Query

    /// Runs SOQL and returns the first page; later pages come from `salesforceQueryMore`.
    func salesforceQuery(_ soql: String, version: String, includeDeleted: Bool, pageSize: Int) throws(SalesforceError) -> SimJSON {
        let query = try SOQLParser.parse(soql)
        guard let type = salesforceTypes.first(where: { $0.key.caseInsensitiveCompare(query.object) == .orderedSame })?.value else {
            throw SalesforceError(status: 400, errorCode: "INVALID_TYPE",
                                  message: "\nFROM \(query.object)\n     ^\nERROR at Row:1:Column:1\nsObject type '\(query.object)' is not supported.")
        }
        let evaluator = SOQLEvaluator(type: type) { relationship, id in
            guard let relation = type.fields.first(where: { $0.relationshipName == relationship }) else { return nil }
            for objectName in relation.referenceTo {
                if let parentType = self.salesforceTypes[objectName], let row = self.salesforceRecords[objectName]?[id] {
                    return (parentType, row)
                }
            }
            return nil
        }
        try evaluator.validate(query)
        var rows = (salesforceRecords[type.name] ?? [:]).values.filter { row in
            (includeDeleted || row.fields["IsDeleted"] != .bool(true)) && evaluator.matches(query.filter, row)
        }
        evaluator.sort(&rows, by: query.orders)
        if let limit = query.limit { rows = Array(rows.prefix(limit)) }
        if query.selections == [.count] {
            return ["totalSize": .number(Double(rows.count)), "done": true, "records": []]
        }
        let fields = query.selections.compactMap { if case .field(let f) = $0 { f } else { nil } }
        let records = rows.map { render($0, type: type, fields: fields, evaluator: evaluator, version: version) }
        return page(records, offset: 0, locator: nil, pageSize: pageSize, version: version, resource: includeDeleted ? "queryAll" : "query")
    }

    func salesforceQueryMore(locator: String, version: String) throws(SalesforceError) -> SimJSON {
        let parts = locator.split(separator: "-")
        guard parts.count == 3, let cursor = queryLocators[String(parts[0])], let offset = Int(parts[1]), let size = Int(parts[2]) else {
            throw SalesforceError(status: 400, errorCode: "INVALID_QUERY_LOCATOR", message: "invalid query locator")
        }
        guard clock().timeIntervalSince(cursor.touched) < queryLocatorIdle else {
            // Left unread too long: the server has let the cursor go.
            queryLocators[String(parts[0])] = nil
            throw SalesforceError(status: 400, errorCode: "INVALID_QUERY_LOCATOR", message: "invalid query locator")
        }
        queryLocators[String(parts[0])]?.touched = clock()
        return page(cursor.records, offset: offset, locator: String(parts[0]), pageSize: size, version: version, resource: "query")
    }

    func page(_ records: [SimJSON], offset: Int, locator: String?, pageSize: Int, version: String, resource: String) -> SimJSON {
        let slice = Array(records.dropFirst(offset).prefix(pageSize))
        var body: [String: SimJSON] = ["totalSize": .number(Double(records.count)), "records": .array(slice)]
        let next = offset + slice.count
        if next < records.count {
            let id = locator ?? {
                queryLocatorCount += 1
                let key = "01g5g" + String(queryLocatorCount)
                queryLocators[key] = (records, clock())
                return key
            }()
            body["done"] = false
            body["nextRecordsUrl"] = .string("/services/data/\(version)/\(resource)/\(id)-\(next)-\(pageSize)")
        } else {
            body["done"] = true
            if let locator { queryLocators[locator] = nil }
        }
        return .object(body)
    }

    func render(_ row: SalesforceRecord, type: SalesforceObjectType, fields: [String], evaluator: SOQLEvaluator, version: String) -> SimJSON {
        var object: [String: SimJSON] = [
            "attributes": ["type": .string(type.name), "url": .string("/services/data/\(version)/sobjects/\(type.name)/\(row.id)")],
        ]
        for name in fields {
            let parts = name.split(separator: ".")
            if parts.count == 2, let relation = type.fields.first(where: { $0.relationshipName?.caseInsensitiveCompare(String(parts[0])) == .orderedSame }) {
                let relName = relation.relationshipName!
                guard case .string(let parentID)? = row.fields[relation.name],
                      let parentObject = relation.referenceTo.first(where: { salesforceRecords[$0]?[parentID] != nil }),
                      let parentType = salesforceTypes[parentObject],
                      let parentField = parentType.field(String(parts[1])) else {
                    if object[relName] == nil { object[relName] = .null }
                    continue
                }
                var nested = object[relName]?.objectValue ?? [
                    "attributes": ["type": .string(parentObject), "url": .string("/services/data/\(version)/sobjects/\(parentObject)/\(parentID)")],
                ]
                nested[parentField.name] = evaluator.value(name, of: row).json
                object[relName] = .object(nested)
            } else if let field = type.field(name) {
                object[field.name] = (row.fields[field.name] ?? .null).json
            }
        }
        return .object(object)
    }
}
