import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A Slack-style incoming webhook (SLA-ALERTS-OPS.md §4): `text` is required; `blocks`, when present, are held to
/// Slack's limits (50 blocks, header 150, section text 3,000, ≤ 10 fields of ≤ 2,000, ≤ 10 context elements) and
/// refused with `invalid_blocks`. Faults queued with `SimulatorState.failSlack` answer the next requests first: 429
/// with `Retry-After`, or 500 `rollup_error`; with `limitSlackRate` set, a webhook posting faster than its pace gets 429.
extension CRMSimulator {
    /// What in `blocks` breaks Slack's Block Kit limits, as the sink checks it; `nil` when nothing does.
    public static func slackBlockProblem(_ blocks: SimJSON) -> String? { SlackRoutes.blockProblem(blocks) }
}

struct SlackRoutes {
    let state: SimulatorState

    func register(on router: Hummingbird.Router<BasicRequestContext>) {
        let state = self.state
        // Slack's incoming webhooks carry their credential in the path (`/services/T…/B…/<secret>`); any path below the
        // sink is one webhook.
        let slack: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let path = request.uri.path
            // A webhook removed in Slack (the app uninstalled, the channel gone) answers 404 `no_service` for good.
            if await state.isSlackHookRemoved(path) {
                return Response(status: .notFound, body: ResponseBody(byteBuffer: ByteBuffer(string: "no_service")))
            }
            if let fault = await state.nextSlackFault() {
                var headers = HTTPFields()
                if let wait = fault.retryAfter { headers[.retryAfter] = wait }
                return Response(status: HTTPResponse.Status(code: fault.status), headers: headers,
                                body: ResponseBody(byteBuffer: ByteBuffer(string: fault.status == 429 ? "rate_limited" : "rollup_error")))
            }
            if let wait = await state.slackTurn(path) {
                var headers = HTTPFields()
                headers[.retryAfter] = String(wait)
                return Response(status: .tooManyRequests, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: "rate_limited")))
            }
            let body = try await SimulatorHTTP.body(request)
            guard body["text"]?.stringValue != nil else { return Self.refuse("no_text") }
            if let blocks = body["blocks"], let problem = Self.blockProblem(blocks) { return Self.refuse("invalid_blocks: \(problem)") }
            await state.recordSlack(body, path: path)
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "ok")))
        }
        router.post("/hooks/slack", use: slack)
        router.post("/hooks/slack/**", use: slack)
        router.post("/slack/api/chat.postMessage") { request, _ in try await Self.postMessage(request, state: state) }
    }

    /// Slack's Web API `chat.postMessage` (SLA-ALERTS-OPS.md §4.4): a bot token, a `channel` the bot is in; errors are
    /// HTTP 200 with `{"ok":false,"error":…}`, except the pace (429 with `Retry-After`) and server faults.
    static func postMessage(_ request: Request, state: SimulatorState) async throws -> Response {
        func failed(_ error: String) -> Response { SimulatorHTTP.json(["ok": false, "error": .string(error)]) }
        guard let auth = request.headers[.authorization], auth.hasPrefix("Bearer ") else { return failed("not_authed") }
        guard String(auth.dropFirst(7)) == state.credentials.slackBotToken else { return failed("invalid_auth") }
        if let fault = await state.nextSlackFault() {
            var headers = HTTPFields()
            if let wait = fault.retryAfter { headers[.retryAfter] = wait }
            return fault.status == 429 ? Response(status: .tooManyRequests, headers: headers)
                : SimulatorHTTP.json(["ok": false, "error": "internal_error"], status: fault.status)
        }
        let body = try await SimulatorHTTP.body(request)
        guard let channel = body["channel"]?.stringValue, !channel.isEmpty else { return failed("channel_not_found") }
        guard await state.hasSlackChannel(channel) else { return failed(channel.hasPrefix("C") || channel.hasPrefix("G") ? "not_in_channel" : "channel_not_found") }
        if let wait = await state.slackTurn("chat:" + channel) {
            var headers = HTTPFields()
            headers[.retryAfter] = String(wait)
            return Response(status: .tooManyRequests, headers: headers)
        }
        guard body["text"]?.stringValue != nil || body["blocks"] != nil else { return failed("no_text") }
        if let blocks = body["blocks"], blockProblem(blocks) != nil { return failed("invalid_blocks") }
        await state.recordSlack(body, path: "chat.postMessage/" + channel)
        let ts = await state.nextSlackTimestamp()
        return SimulatorHTTP.json(["ok": true, "channel": .string(channel), "ts": .string(ts),
                                   "message": ["type": "message", "text": body["text"] ?? "", "ts": .string(ts)]])
    }

    static func refuse(_ text: String) -> Response {
        Response(status: .badRequest, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// What breaks Slack's Block Kit limits, if anything.
    static func blockProblem(_ blocks: SimJSON) -> String? {
        guard let list = blocks.arrayValue else { return "blocks is not an array" }
        guard list.count <= 50 else { return "more than 50 blocks" }
        for (index, block) in list.enumerated() {
            let text = block["text"]?["text"]?.stringValue
            switch block["type"]?.stringValue {
            case "header":
                guard block["text"]?["type"]?.stringValue == "plain_text", let text, text.count <= 150 else { return "block \(index): header is plain_text of at most 150" }
            case "section":
                if let text, text.count > 3_000 { return "block \(index): section text over 3000" }
                let fields = block["fields"]?.arrayValue ?? []
                guard fields.count <= 10 else { return "block \(index): more than 10 fields" }
                if fields.contains(where: { ($0["text"]?.stringValue?.count ?? 0) > 2_000 }) { return "block \(index): a field over 2000" }
                guard text != nil || !fields.isEmpty else { return "block \(index): a section needs text or fields" }
            case "context":
                let elements = block["elements"]?.arrayValue ?? []
                guard !elements.isEmpty, elements.count <= 10 else { return "block \(index): context holds 1 to 10 elements" }
            case "divider", "actions", "image":
                continue
            default:
                return "block \(index): unknown type"
            }
        }
        return nil
    }
}
