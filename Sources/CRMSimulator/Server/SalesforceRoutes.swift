import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import LeadRelayCore

/// Salesforce REST endpoints (CRM-APIS.md Part 2), served from `SimulatorState`.
struct SalesforceRoutes {
    let state: SimulatorState
    /// API versions the simulated org serves.
    static let versions = ["v60.0", "v61.0", "v62.0"]

    /// `Authorization: Basic base64(client_id:client_secret)`, each part form-decoded.
    static func basicCredentials(_ request: Request) -> (id: String, secret: String)? {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("basic "),
              let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return nil }
        let decode = { (part: Substring) in String(part).removingPercentEncoding ?? String(part) }
        return (decode(text[..<colon]), decode(text[text.index(after: colon)...]))
    }

    func register(on router: Hummingbird.Router<BasicRequestContext>, instanceURL: @escaping @Sendable () -> String) {
        router.post("/services/oauth2/token") { request, _ in
            await state.countRequest(.salesforce, write: false)
            var form = SimulatorHTTP.form(try await SimulatorHTTP.rawBody(request))
            // The client may authenticate with HTTP Basic instead of form fields (RFC 6749 §2.3.1; simple-salesforce does).
            if let basic = Self.basicCredentials(request) {
                form["client_id"] = form["client_id"] ?? basic.id
                form["client_secret"] = form["client_secret"] ?? basic.secret
            }
            let token: String
            switch form["grant_type"] {
            case "client_credentials":
                guard let issued = await state.issueToken(clientID: form["client_id"] ?? "", clientSecret: form["client_secret"] ?? "") else {
                    return SimulatorHTTP.json(["error": "invalid_client", "error_description": "invalid client credentials"], status: 400)
                }
                token = issued
            case "refresh_token":
                guard form["client_id"] == state.credentials.salesforceClientID else {
                    return SimulatorHTTP.json(["error": "invalid_client_id", "error_description": "client identifier invalid"], status: 400)
                }
                guard form["refresh_token"] == state.credentials.salesforceRefreshToken else {
                    return SimulatorHTTP.json(["error": "invalid_grant", "error_description": "expired access/refresh token"], status: 400)
                }
                token = await state.newSalesforceSession()
            case "urn:ietf:params:oauth:grant-type:jwt-bearer":
                switch await state.issueTokenForJWT(form["assertion"] ?? "") {
                case .success(let issued): token = issued
                case .failure(let refusal):
                    return SimulatorHTTP.json(["error": "invalid_grant", "error_description": .string(refusal.message)], status: 400)
                }
            default:
                return SimulatorHTTP.json(["error": "unsupported_grant_type", "error_description": "grant type not supported"], status: 400)
            }
            let issued = String(Int64(Date().timeIntervalSince1970 * 1000))
            let identity = "https://login.salesforce.com/id/00D5g000004SIMEAA/0055g00000SIMUSAA"
            // Salesforce signs the response with the consumer secret: base64(HMAC-SHA256(secret, id + issued_at)).
            let mac = HMAC<SHA256>.authenticationCode(for: Data((identity + issued).utf8),
                                                      using: SymmetricKey(data: Data(state.credentials.salesforceClientSecret.utf8)))
            return SimulatorHTTP.json([
                "access_token": .string(token), "instance_url": .string(instanceURL()), "id": .string(identity),
                "token_type": "Bearer", "issued_at": .string(issued), "signature": .string(Data(mac).base64EncodedString()), "scope": "api",
            ])
        }
        router.get("/services/data") { _, _ in
            SimulatorHTTP.json(.array(Self.versions.map { version in
                ["label": "Simulated", "url": .string("/services/data/\(version)"), "version": .string(String(version.dropFirst()))]
            }))
        }
        let base = "/services/data/:version"
        for resource in ["query", "queryAll"] {
            router.get(RouterPath("\(base)/\(resource)")) { request, context in
                try await guarded(request, context, write: false) { version in
                    // A raw '+' in the query string is a space, as on the real server.
                    guard let soql = SimulatorHTTP.formQuery(request, "q") else {
                        throw SalesforceError.malformed("A query string has to be specified")
                    }
                    let size = Self.pageSize(request.headers[HTTPField.Name("Sforce-Query-Options")!])
                    return SimulatorHTTP.json(try await state.salesforceQuery(soql, version: version, includeDeleted: resource == "queryAll", pageSize: size))
                }
            }
            router.get(RouterPath("\(base)/\(resource)/:locator")) { request, context in
                try await guarded(request, context, write: false) { version in
                    SimulatorHTTP.json(try await state.salesforceQueryMore(locator: try context.parameters.require("locator"), version: version))
                }
            }
        }
        // Global describe: every sObject type of the org, custom ones marked.
        router.get(RouterPath("\(base)/sobjects")) { request, context in
            try await guarded(request, context, write: false) { version in
                let types = await state.salesforceTypeList()
                return SimulatorHTTP.json(["encoding": "UTF-8", "maxBatchSize": 200, "sobjects": .array(types.map { type in
                    ["name": .string(type.name), "label": .string(type.name), "keyPrefix": .string(type.keyPrefix), "custom": .bool(type.name.hasSuffix("__c")),
                     "createable": true, "updateable": true, "queryable": true, "deletable": true, "layoutable": true, "searchable": true,
                     "urls": ["sobject": .string("/services/data/\(version)/sobjects/\(type.name)"),
                              "describe": .string("/services/data/\(version)/sobjects/\(type.name)/describe")]]
                })])
            }
        }
        router.get(RouterPath("\(base)/sobjects/:object/describe")) { request, context in
            try await guarded(request, context, write: false) { _ in
                let name = try context.parameters.require("object")
                guard let type = await state.salesforceType(name) else {
                    throw SalesforceError(status: 404, errorCode: "NOT_FOUND", message: "The requested resource does not exist")
                }
                return SimulatorHTTP.json(Self.describe(type))
            }
        }
        router.patch(RouterPath("\(base)/sobjects/:object/:id")) { request, context in
            try await guarded(request, context, write: true) { _ in
                let fields = try await SimulatorHTTP.body(request).objectValue ?? [:]
                guard fields["Id"] == nil else {
                    throw SalesforceError(status: 400, errorCode: "INVALID_FIELD", message: "Unable to create/update fields: Id.", fields: ["Id"])
                }
                var precondition: Date?
                if let header = request.headers[HTTPField.Name("If-Unmodified-Since")!] {
                    guard let date = Self.httpDate(header) else {
                        throw SalesforceError(status: 400, errorCode: "INVALID_HEADER_TYPE", message: "If-Unmodified-Since is not an HTTP date: \(header)")
                    }
                    precondition = date
                }
                try await state.salesforceUpdate(try context.parameters.require("object"), id: try context.parameters.require("id"),
                                                 fields: fields, ifUnmodifiedSince: precondition)
                return SimulatorHTTP.empty(status: 204)
            }
        }
        router.get(RouterPath("\(base)/sobjects/:object/:id")) { request, context in
            try await guarded(request, context, write: false) { version in
                let object = try context.parameters.require("object"), id = try context.parameters.require("id")
                if id == "deleted" || id == "updated" {
                    // The replication resources (`…/deleted/?start=&end=`) sit where a record id would.
                    let start = SimulatorHTTP.query(request, "start").flatMap(SimTime.parse)
                    let end = SimulatorHTTP.query(request, "end").flatMap(SimTime.parse)
                    return SimulatorHTTP.json(id == "deleted" ? try await state.salesforceDeleted(object, start: start, end: end)
                                                              : try await state.salesforceUpdated(object, start: start, end: end))
                }
                let fields = SimulatorHTTP.query(request, "fields")?.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
                return SimulatorHTTP.json(try await state.salesforceRow(try context.parameters.require("object"), id: try context.parameters.require("id"),
                                                                        fields: fields, version: version))
            }
        }
        router.post(RouterPath("\(base)/sobjects/:object")) { request, context in
            try await guarded(request, context, write: true) { _ in
                let fields = try await SimulatorHTTP.body(request).objectValue ?? [:]
                let id = try await state.salesforceCreate(try context.parameters.require("object"), fields: fields)
                return SimulatorHTTP.json(["id": .string(id), "success": true, "errors": []], status: 201)
            }
        }
        router.delete(RouterPath("\(base)/sobjects/:object/:id")) { request, context in
            try await guarded(request, context, write: true) { _ in
                try await state.salesforceDelete(try context.parameters.require("object"), id: try context.parameters.require("id"))
                return SimulatorHTTP.empty(status: 204)
            }
        }
        router.post(RouterPath("\(base)/composite/sobjects")) { request, context in
            try await guarded(request, context, write: true) { _ in try await composite(request, create: true) }
        }
        router.patch(RouterPath("\(base)/composite/sobjects")) { request, context in
            try await guarded(request, context, write: true) { _ in try await composite(request, create: false) }
        }
        // The Tooling API's CustomField: how an integration (with Customize Application) adds a field to an object.
        router.post(RouterPath("\(base)/tooling/sobjects/CustomField")) { request, context in
            try await guarded(request, context, write: true) { _ in
                let body = try await SimulatorHTTP.body(request)
                guard let fullName = body["FullName"]?.stringValue, let metadata = body["Metadata"], let type = metadata["type"]?.stringValue,
                      let label = metadata["label"]?.stringValue else {
                    throw SalesforceError(status: 400, errorCode: "INVALID_INPUT", message: "FullName and Metadata (label, type) are required")
                }
                let length = metadata["length"]?.doubleValue.flatMap { Int(exactly: $0) } ?? 0
                let id = try await state.createSalesforceField(fullName: fullName, type: type, length: length, label: label)
                return SimulatorHTTP.json(["id": .string(id), "success": true, "errors": [], "warnings": [], "infos": []], status: 201)
            }
        }
        router.get(RouterPath("\(base)/limits")) { request, context in
            try await guarded(request, context, write: false, counted: false) { _ in
                let used = await state.requests(.salesforce)
                let max = await state.salesforceDailyLimit
                return SimulatorHTTP.json(["DailyApiRequests": ["Max": .number(Double(max)), "Remaining": .number(Double(max - used))]])
            }
        }
    }

    func guarded(_ request: Request, _ context: BasicRequestContext, write: Bool, counted: Bool = true,
                 _ body: (String) async throws -> Response) async throws -> Response {
        if counted { await state.countRequest(.salesforce, write: write) }
        let used = await state.requests(.salesforce)
        let limitInfo = "api-usage=\(used)/\(await state.salesforceDailyLimit)"
        var response = await respond(request, context, write: write, body)
        response.headers[HTTPField.Name("Sforce-Limit-Info")!] = limitInfo
        return response
    }

    func respond(_ request: Request, _ context: BasicRequestContext, write: Bool, _ body: (String) async throws -> Response) async -> Response {
        guard let version = context.parameters.get("version"), Self.versions.contains(version) else {
            return SimulatorHTTP.salesforceError(SalesforceError(status: 404, errorCode: "NOT_FOUND", message: "The requested resource does not exist"))
        }
        guard let token = SimulatorHTTP.bearer(request), await state.isValidSalesforceToken(token) else {
            return SimulatorHTTP.salesforceError(SalesforceError(status: 401, errorCode: "INVALID_SESSION_ID", message: "Session expired or invalid"))
        }
        if await state.requests(.salesforce) > state.salesforceDailyLimit {
            await state.countRateLimited(.salesforce)
            return SimulatorHTTP.salesforceError(SalesforceError(status: 403, errorCode: "REQUEST_LIMIT_EXCEEDED", message: "TotalRequests Limit exceeded."))
        }
        var resetAfter = false
        if let fault = await state.takeFault(.salesforce) {
            switch fault {
            case .resetAfterApply:
                resetAfter = true
            case .serverError, .hubspotRateLimit:
                return SimulatorHTTP.salesforceError(SalesforceError(status: 503, errorCode: "SERVER_UNAVAILABLE", message: "Server unavailable"))
            case .delay(let seconds):
                try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
            }
        }
        let draw = resetAfter ? FaultPlan.Draw.reset : await state.drawFault(.salesforce)
        if draw == .serverError {
            return SimulatorHTTP.salesforceError(SalesforceError(status: 503, errorCode: "SERVER_UNAVAILABLE", message: "Server unavailable"))
        }
        do {
            return try await SimulatorHTTP.applying(draw, to: try await body(version))
        } catch let error as SalesforceError {
            return SimulatorHTTP.salesforceError(error)
        } catch {
            return SimulatorHTTP.salesforceError(SalesforceError(status: 400, errorCode: "JSON_PARSER_ERROR", message: "The request body is not valid JSON"))
        }
    }

    func composite(_ request: Request, create: Bool) async throws -> Response {
        let body = try await SimulatorHTTP.body(request)
        let records = body["records"]?.arrayValue ?? []
        guard records.count <= SimulatorState.compositeLimit else {
            throw SalesforceError(status: 400, errorCode: "EXCEEDED_ID_LIMIT", message: "record limit reached. cannot submit more than \(SimulatorState.compositeLimit) records into this call")
        }
        let allOrNone = body["allOrNone"]?.boolValue ?? false
        let checkpoint = allOrNone ? await state.salesforceCheckpoint() : nil
        var results: [SimJSON] = []
        var failed = false
        for record in records {
            guard let type = record["attributes"]?["type"]?.stringValue else {
                results.append(Self.saveResult(id: nil, error: SalesforceError(status: 400, errorCode: "INVALID_FIELD", message: "No SObject Type defined in attributes")))
                failed = true
                continue
            }
            var fields = record.objectValue ?? [:]
            fields["attributes"] = nil
            do {
                if create {
                    guard fields["Id"] == nil else {
                        throw SalesforceError(status: 400, errorCode: "INVALID_FIELD", message: "cannot specify Id in an insert call", fields: ["Id"])
                    }
                    let id = try await state.salesforceCreate(type, fields: fields)
                    results.append(Self.saveResult(id: id, error: nil))
                } else {
                    guard let id = fields.removeValue(forKey: "Id")?.stringValue else {
                        throw SalesforceError(status: 400, errorCode: "MISSING_ARGUMENT", message: "Id not specified in an update call", fields: ["Id"])
                    }
                    try await state.salesforceUpdate(type, id: id, fields: fields)
                    results.append(Self.saveResult(id: id, error: nil))
                }
            } catch let error as SalesforceError {
                failed = true
                results.append(Self.saveResult(id: fields["Id"]?.stringValue, error: error))
            }
        }
        // allOrNone: one failure and nothing is committed; the others report the rollback.
        if let checkpoint, failed {
            await state.restore(checkpoint)
            results = results.map { result in
                result["success"]?.boolValue == true
                    ? Self.saveResult(id: nil, error: SalesforceError(status: 400, errorCode: "ALL_OR_NONE_OPERATION_ROLLED_BACK", message: "Record rolled back because not all records were valid and the request was using AllOrNone header"))
                    : result
            }
        }
        return SimulatorHTTP.json(.array(results))
    }

    static func saveResult(id: String?, error: SalesforceError?) -> SimJSON {
        guard let error else { return ["id": .string(id ?? ""), "success": true, "errors": []] }
        return ["id": id.map(SimJSON.string) ?? .null, "success": false,
                "errors": [["statusCode": .string(error.errorCode), "message": .string(error.message), "fields": .array(error.fields.map(SimJSON.string))]]]
    }

    static func pageSize(_ header: String?) -> Int {
        guard let header, let range = header.range(of: "batchSize="), let size = Int(header[range.upperBound...].prefix { $0.isNumber }) else {
            return SimulatorState.salesforcePageSize
        }
        return min(max(size, 200), SimulatorState.salesforcePageSize)
    }

    /// Parses an RFC 1123 date (`Mon, 10 Jun 2024 17:01:44 GMT`).
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }

    static func describe(_ type: SalesforceObjectType) -> SimJSON {
        [
            "name": .string(type.name), "label": .string(type.name), "keyPrefix": .string(type.keyPrefix),
            "createable": true, "updateable": true, "queryable": true,
            "fields": .array(type.fields.map { field in
                [
                    "name": .string(field.name), "label": .string(field.name), "type": .string(field.type),
                    "length": .number(Double(field.length)), "nillable": .bool(field.nillable),
                    "createable": .bool(field.createable), "updateable": .bool(field.updateable),
                    "custom": .bool(field.name.hasSuffix("__c")), "restrictedPicklist": .bool(field.restrictedPicklist),
                    "picklistValues": .array(field.picklistValues.enumerated().map { index, value in
                        ["value": .string(value), "label": .string(value), "active": true, "defaultValue": .bool(index == 0), "validFor": nil]
                    }),
                    "referenceTo": .array(field.referenceTo.map(SimJSON.string)),
                    "relationshipName": field.relationshipName.map(SimJSON.string) ?? .null,
                ]
            }),
        ]
    }
}
