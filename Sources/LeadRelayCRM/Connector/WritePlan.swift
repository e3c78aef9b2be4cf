import LeadRelayCore

/// Splits writes for one system into updates and creates, keeping each write's input position.
struct WritePlan {
    var updates: [(index: Int, write: RecordWrite)] = []
    var creates: [(index: Int, write: RecordWrite)] = []
    /// Applied one by one, after the updates (a survivor's winning values land before the merge).
    var merges: [(index: Int, write: RecordWrite)] = []

    init(_ writes: [RecordWrite]) {
        for (index, write) in writes.enumerated() {
            switch write.operation {
            case .update: updates.append((index, write))
            case .create: creates.append((index, write))
            case .merge: merges.append((index, write))
            }
        }
    }

    /// Turns creates whose twin already exists (found by `existing[matchValue]`) into updates of that record.
    ///
    /// This is what makes a create idempotent: if a crash came between the CRM
    /// creating the record and the outbox marking it done, the retry updates it.
    mutating func resolveCreates(existing: [String: String]) {
        var remaining: [(index: Int, write: RecordWrite)] = []
        for (index, write) in creates {
            if let value = write.matchValue?.lowercased(), let id = existing[value] {
                var update = write
                update.operation = .update
                update.id = id
                updates.append((index, update))
            } else {
                remaining.append((index, write))
            }
        }
        creates = remaining
    }

    /// `items` in rounds where no record appears twice, each item in the earliest round its record is free in (a
    /// hand-off before the data write of the same record): both CRMs refuse a batch that names one id twice.
    static func rounds(_ items: [(index: Int, write: RecordWrite)]) -> [[(index: Int, write: RecordWrite)]] {
        var rounds: [[(index: Int, write: RecordWrite)]] = []
        var next: [String: Int] = [:]
        for item in items {
            let key = "\(item.write.object)/\(item.write.id ?? "")"
            let round = next[key, default: 0]
            next[key] = round + 1
            if round == rounds.count { rounds.append([]) }
            rounds[round].append(item)
        }
        return rounds
    }

    /// Lower-cased match values of the creates (the emails to look up).
    var matchValues: [String] {
        Array(Set(creates.compactMap { $0.write.matchValue?.lowercased() })).sorted()
    }
}
