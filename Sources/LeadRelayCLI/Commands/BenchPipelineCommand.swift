import ArgumentParser
import CRMSimulator
import Foundation
import LeadRelayCore
import LeadRelayEngine

/// `leadrelay bench pipeline`: the pure pipeline — map, clean, score, route — over the generator's records in-process,
/// with the shipped mapping, scoring and routing. Records are handed over as a connector would (CRM field names,
/// text values), in batches like a cycle's; only the planning is timed, on one core.
struct BenchPipelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Time map → clean → score → route over generated leads in-process: records per second on one core.")

    @Option(name: .long, help: "People to generate (each one or two CRM records).")
    var leads: Int = 1_000_000

    @Option(name: .long, help: "Records per planned batch (a cycle's worth).")
    var batch: Int = 5_000

    @Option(name: .long, help: "Seed of the generated data.")
    var seed: UInt64 = 42

    @Flag(name: .long, help: "Print the figures as JSON.")
    var json = false

    func validate() throws {
        guard leads > 0, leads <= 2_000_000 else { throw ValidationError("--leads must be between 1 and 2000000") }
        guard batch >= 10, batch <= 200_000 else { throw ValidationError("--batch must be between 10 and 200000") }
    }

    func run() async throws {
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-bench-pipeline-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loaded = try await Self.shippedConfiguration(in: directory)
        // Owner ids stand in for both CRMs' (routing needs an id to write, not a CRM to ask).
        let reps = loaded.routing.reps.map { entry in
            Rep(id: entry.id, email: entry.email, pools: entry.pools ?? [], weight: entry.weight ?? 1, capacity: entry.capacity,
                hubspotOwnerID: "owner-\(entry.id)", salesforceUserID: "005\(entry.id)")
        }
        let pipeline = Pipeline(mapping: loaded.mapping, scoring: loaded.scoring, routing: loaded.routing, reps: reps,
                                enrichment: loaded.enrichment)
        let run = BatchRun(pipeline: pipeline, batch: batch, now: SeedGenerator.Options(seed: seed, people: 1).now)
        let (_, wall) = await timed { _ = SeedGenerator(options: .init(seed: seed, people: leads)).streamPlan { run.add($0) } }
        run.flush()
        let perSecond = Double(run.records) / max(run.planning, 0.000_001)
        try BenchReport(benchmark: "pipeline", figures: [
            "people": Double(leads), "records": Double(run.records), "activities": Double(run.activities), "batches": Double(run.batches),
            "planning_seconds": run.planning, "wall_seconds": wall, "records_per_second_per_core": perSecond,
            "mqls_routed": Double(run.routed), "changes_planned": Double(run.changes),
        ], notes: ["target: ≥ 50,000 leads per second per core (planning only; generation and conversion are not timed)"]).print(json: json)
    }

    /// The configuration `simulate` and `demo` write (the shipped mapping, scoring and routing), loaded as `run` loads it.
    static func shippedConfiguration(in directory: String) async throws -> LoadedConfiguration {
        let simulator = CRMSimulator()
        return try await simulator.withRunning { endpoints in
            let workspace = Workspace(directory: directory)
            try workspace.write(endpoints: endpoints, credentials: simulator.state.credentials)
            return try workspace.load()
        }
    }
}

/// Collects generated records into batches and plans each; counts what the plans decided.
final class BatchRun {
    let pipeline: Pipeline
    let batch: Int
    let now: Date
    var pending: [SourceRecord] = []
    var pendingActivities: [Activity] = []
    var state = RoutingState()
    var assigned: [PersonKey: String] = [:]
    var planning = 0.0
    var records = 0
    var activities = 0
    var batches = 0
    var routed = 0
    var changes = 0

    init(pipeline: Pipeline, batch: Int, now: Date) {
        self.pipeline = pipeline
        self.batch = batch
        self.now = now
    }

    /// A generated record as its connector hands it over: CRM field names, text values.
    func add(_ record: SeedPlan.Record) {
        let id = "\(record.system == .hubspot ? "" : "00Q")\(records + 1)"
        let ref = RecordRef(system: record.system, object: record.object, id: id)
        let fields: [String: String?] = record.system == .hubspot
            ? record.hubspot.mapValues { $0 }
            : record.salesforce.mapValues { $0.flatText }
        pending.append(SourceRecord(ref: ref, modifiedAt: record.at, fields: fields))
        for (index, event) in record.events.enumerated() {
            guard let kind = HubSpotEvent.kinds[event.type] else { continue }
            pendingActivities.append(Activity(id: "\(id)-\(index)", subject: ref, kind: kind, occurredAt: event.at,
                                              url: event.properties["hs_url"], form: event.properties["hs_form_name"]))
        }
        records += 1
        if pending.count >= batch { flush() }
    }

    func flush() {
        guard !pending.isEmpty else { return }
        let input = PipelineInput(records: pending, activities: pendingActivities, assignments: assigned, routingState: state, now: now)
        let started = ContinuousClock.now
        let plan = pipeline.plan(input)
        let elapsed = started.duration(to: .now)
        planning += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        for (person, rep) in plan.assignments { assigned[person] = rep }
        for change in plan.changes {
            if case .assign(let decision) = change.action { state.apply(decision, at: now) }
        }
        routed += plan.assignments.count
        changes += plan.changes.count
        activities += pendingActivities.count
        batches += 1
        pending.removeAll(keepingCapacity: true)
        pendingActivities.removeAll(keepingCapacity: true)
    }
}
