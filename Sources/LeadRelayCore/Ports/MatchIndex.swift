import Foundation

/// The match index: blocking keys of every person record, so a record seen for the first time is compared only with
/// records sharing one. Written by the commit (`CycleCommit.matchKeys`), read inside the cycle's read transaction.
public protocol MatchIndexReading {
    /// True when no record has blocking keys yet (a store from before the index: it is filled once from the snapshots).
    func matchIndexIsEmpty() throws -> Bool
    /// Records holding any of these blocking keys, skipping keys shared by more than `perKeyLimit` records (too common to tell).
    func matchCandidates(_ keys: [String], perKeyLimit: Int) throws -> [RecordRef]
}
