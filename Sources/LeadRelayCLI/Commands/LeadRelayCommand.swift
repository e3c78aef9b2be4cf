import ArgumentParser

/// `leadrelay`: the marketing-to-sales lead handoff daemon and its tools.
public struct LeadRelayCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "leadrelay",
        abstract: "Keeps HubSpot and Salesforce in step and routes every MQL to the right rep within seconds.",
        subcommands: [DemoCommand.self, RunCommand.self, ReconcileCommand.self, CheckCommand.self, SimulateCommand.self]
    )

    public init() {}
}
