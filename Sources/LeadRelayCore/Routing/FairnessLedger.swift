import Foundation

/// What a pool owes each rep, for smooth weighted round robin (with the credit kept in the store).
///
/// Each pick, every rep taking part earns their weight; of the eligible reps owed a lead, the one whose next lead is
/// due soonest wins and pays the total earned. A rep's credit divided by the total weight is, give or take one, the leads they are owed (`n·wᵢ/Σw` minus
/// what they got), so after every prefix of n leads each rep is within one lead of their share. The ledger is per
/// rep, never a shared counter: adding a rep starts them at zero, removing one drops only their line.
public struct FairnessLedger: Sendable, Hashable, Codable {
    /// Rep id → credit, in weight units.
    public var credit: [String: Int]

    public init(credit: [String: Int] = [:]) {
        self.credit = credit
    }

    /// How a rep who could not take leads for a while (out of office, outside working hours) comes back.
    public enum ReturnPolicy: Sendable, Hashable, TextCoded, CustomStringConvertible {
        /// Away, a rep earns nothing: back, they resume their share with no catch-up.
        case none
        /// Away, a rep earns credit up to `k` leads: over the leads after their return they get at most their share + k.
        case bounded(Int)
        /// Away, a rep earns their whole share, and gets every lead they missed once back.
        case full

        public static let `default` = ReturnPolicy.bounded(2)

        public var description: String {
            switch self {
            case .none: "none"
            case .bounded(let k): "bounded(\(k))"
            case .full: "full"
            }
        }
    }

    /// One pick among `members` (rep id → weight ≥ 1): `eligible` may win, `away` earn per `policy`, and everyone else
    /// (at a cap, without the skill, …) neither earns nor wins. Ties go to the lowest `tieBreak` value, so the choice
    /// is reproducible without favouring whoever is first in a list. `nil` when nobody is eligible; then nothing changes.
    public mutating func pick(members: [String: Int], eligible: Set<String>, away: Set<String>, policy: ReturnPolicy,
                              tieBreak: (String) -> UInt64) -> String? {
        credit = credit.filter { members[$0.key] != nil }
        let contenders = eligible.filter { members[$0] != nil }
        guard !contenders.isEmpty else { return nil }
        var total = 0
        for rep in contenders {
            let weight = members[rep, default: 1]
            credit[rep, default: 0] += weight
            total += weight
        }
        if policy != .none {
            // What an away rep earns is what the winner pays for them, so the credits keep summing to zero and a
            // ceiling on one rep's catch-up never turns into a debt the others carry.
            let ceiling: Int? = if case .bounded(let k) = policy { k * members.values.reduce(0, +) } else { nil }
            for rep in away where members[rep] != nil && !contenders.contains(rep) {
                let before = credit[rep, default: 0]
                let after = ceiling.map { min(before + members[rep, default: 1], max($0, before)) } ?? before + members[rep, default: 1]
                credit[rep] = after
                total += after - before
            }
        }
        // Earliest deadline first among the reps owed a lead (credit > 0): a rep's next lead is due when their credit
        // would reach the total, ⌈(total − credit) / weight⌉ picks from now. Plain "most credit" (nginx) drifts past
        // one lead with many reps of unequal weight (5,7,2,1,7,7,7,1,1 reaches 1.05); deadlines keep every prefix
        // strictly within one lead of the share, as EDF meets every Pfair window on one processor. Without anyone
        // owed (a pool whose absent members hold the credit) the most credit wins.
        let owed = contenders.filter { credit[$0, default: 0] > 0 }
        let pool = owed.isEmpty ? contenders : owed
        let winner = pool.min { a, b in
            let ca = credit[a, default: 0], cb = credit[b, default: 0]
            if !owed.isEmpty {
                let da = Self.deadline(credit: ca, weight: members[a, default: 1], total: total)
                let db = Self.deadline(credit: cb, weight: members[b, default: 1], total: total)
                if da != db { return da < db }
            }
            if ca != cb { return ca > cb }
            let ta = tieBreak(a), tb = tieBreak(b)
            return ta != tb ? ta < tb : a < b
        }
        if let winner { credit[winner, default: 0] -= total }
        return winner
    }

    /// Picks from now until a rep with `credit` earning `weight` a pick is owed a whole lead more than they had.
    static func deadline(credit: Int, weight: Int, total: Int) -> Int {
        let remaining = max(0, total - credit), step = max(1, weight)
        return (remaining + step - 1) / step
    }

    /// A stable 64-bit hash (FNV-1a) of `parts`, for tie-breaks that depend on the lead, not on list order.
    public static func stableHash(_ parts: String...) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in parts {
            for byte in part.utf8 {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01b3
            }
            hash ^= 0xff
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}

extension FairnessLedger.ReturnPolicy {
    /// `none`, `full`, `bounded` (k = 2) or `bounded(k)`.
    public init?(text: String) {
        let word = text.trimmingCharacters(in: .whitespaces).lowercased()
        switch word {
        case "none": self = .none
        case "full": self = .full
        case "bounded": self = .default
        default:
            guard word.hasPrefix("bounded("), word.hasSuffix(")"), let k = Int(word.dropFirst(8).dropLast()), k >= 0 else { return nil }
            self = .bounded(k)
        }
    }

    public var text: String { description }
    public static var expectedText: String { "a return policy; expected none, bounded, bounded(K) or full" }
}
