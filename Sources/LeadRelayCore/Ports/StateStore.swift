import Foundation

/// Every port a back end offers: what the composition root opens and hands out, each consumer taking only the roles
/// it needs (the dispatcher an `OutboxQueue`, enrichment a `ProviderCache`, reports a `ReportReadModel`).
/// A new back end conforms to each and passes the `StoreContract` suite.
public typealias StateStore = CycleReadSide & CycleCommitting & OutboxQueue & EventLog & TimerQueue & ProviderCache & MergeLog & LeaderLease & ReportReadModel
