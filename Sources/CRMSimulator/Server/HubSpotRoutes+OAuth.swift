import Foundation
import Hummingbird
import LeadRelayCore

/// HubSpot OAuth: the refresh-token grant and token introspection (CRM-APIS.md §1.1).
extension HubSpotRoutes {
    func registerOAuth(on router: Hummingbird.Router<BasicRequestContext>) {
        router.post("/oauth/v1/token") { request, _ in
            await state.countRequest(.hubspot, write: false)
            let form = SimulatorHTTP.form(try await SimulatorHTTP.rawBody(request))
            guard form["grant_type"] == "refresh_token" else {
                return SimulatorHTTP.json(["status": "BAD_GRANT_TYPE", "message": "grant_type must be refresh_token or authorization_code",
                                           "correlationId": .string(UUID().uuidString.lowercased())], status: 400)
            }
            switch await state.issueHubSpotAccessToken(clientID: form["client_id"], clientSecret: form["client_secret"],
                                                       refreshToken: form["refresh_token"]) {
            case .success(let issued):
                return SimulatorHTTP.json([
                    "token_type": "bearer", "access_token": .string(issued.token),
                    "refresh_token": .string(state.credentials.hubspotRefreshToken),
                    "expires_in": .number(Double(issued.expiresIn)), "hub_id": 4_242_424,
                ])
            case .failure(let error):
                return SimulatorHTTP.json(["status": .string(error.status), "message": .string(error.message),
                                           "correlationId": .string(UUID().uuidString.lowercased())], status: 400)
            }
        }
        router.get("/oauth/v1/access-tokens/:token") { _, context in
            let token = try context.parameters.require("token")
            guard let left = await state.hubspotTokenSecondsLeft(token) else {
                return SimulatorHTTP.json(["status": "error", "message": "Token not found",
                                           "correlationId": .string(UUID().uuidString.lowercased())], status: 404)
            }
            return SimulatorHTTP.json([
                "token": .string(token), "user": "integration@example.com", "hub_id": 4_242_424, "app_id": 1_234_567,
                "expires_in": .number(Double(left)), "user_id": 9100, "token_type": "access",
                "scopes": ["crm.objects.contacts.read", "crm.objects.contacts.write", "crm.objects.companies.read",
                           "crm.objects.companies.write", "crm.objects.owners.read", "crm.schemas.contacts.read"],
            ])
        }
    }
}
