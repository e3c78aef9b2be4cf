/// Random faults a simulated CRM injects, drawn from the simulator's seeded generator so a run can be replayed.
///
/// Rates are probabilities per request (0…1). Faults apply after authentication, to every endpoint
/// except the token endpoints and the Slack sink.
public struct FaultPlan: Sendable, Hashable {
    /// Share of requests answered `503` with the system's error body.
    public var serverErrorRate: Double = 0
    /// Share of requests whose connection breaks before any body byte.
    public var resetRate: Double = 0
    /// Share of requests whose body stops half-way.
    public var truncateRate: Double = 0
    /// Extra latency per request, uniform in `0...maxLatency` seconds.
    public var maxLatency: Double = 0

    public init(serverErrorRate: Double = 0, resetRate: Double = 0, truncateRate: Double = 0, maxLatency: Double = 0) {
        self.serverErrorRate = serverErrorRate
        self.resetRate = resetRate
        self.truncateRate = truncateRate
        self.maxLatency = maxLatency
    }

    public static let none = FaultPlan()

    /// What happens to one request.
    enum Draw: Sendable, Equatable {
        case serve(latency: Double)
        case serverError
        case reset
        case truncate(latency: Double)
    }
}

extension SimulatorState {
    /// Sets the random faults of `system` (seeded by `setFaultSeed`).
    public func setFaults(_ plan: FaultPlan, for system: CRMSystem) { faultPlans[system] = plan }

    func drawFault(_ system: CRMSystem) -> FaultPlan.Draw {
        guard let plan = faultPlans[system], plan != .none else { return .serve(latency: 0) }
        let latency = plan.maxLatency > 0 ? Double.random(in: 0...plan.maxLatency, using: &faultRandom) : 0
        if faultRandom.chance(plan.serverErrorRate) { return .serverError }
        if faultRandom.chance(plan.resetRate) { return .reset }
        if faultRandom.chance(plan.truncateRate) { return .truncate(latency: latency) }
        return .serve(latency: latency)
    }
}

import LeadRelayCore
