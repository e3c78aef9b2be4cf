import Foundation

/// A zone's offsets from UTC over a span of time, as the few segments between its transitions, so that walking a
/// calendar converts between instants and wall-clock times with arithmetic instead of a `Calendar` call per step.
///
/// Built from `nextDaylightSavingTimeTransition(after:)`: a year costs about three zone lookups, not one per day.
struct ZoneOffsets: Sendable {
    private let zone: TimeZone
    /// Segment `i` begins at `starts[i]` (seconds since 1970; the first is -∞) and has offset `offsets[i]` seconds.
    private var starts: [Double]
    private var offsets: [Double]
    /// Everything up to here is covered by the segments (the last one continues until at least this instant).
    private var coveredUntil: Double

    /// Margin either side of a span: a wall-clock time near its ends may map to an instant just outside it.
    private static let margin: Double = 3 * 86_400
    /// How far ahead one extension looks, so that a walk day by day asks the zone again only every couple of months.
    private static let step: Double = 60 * 86_400

    init(zone: TimeZone, from: Double, through: Double) {
        self.zone = zone
        let begin = from - Self.margin
        starts = [-.infinity]
        offsets = [Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: begin)))]
        coveredUntil = begin
        cover(until: through + Self.margin)
    }

    /// Makes sure the segments cover `instant` (and a margin past it).
    mutating func extend(through instant: Double) {
        let target = instant + Self.margin
        guard target > coveredUntil else { return }
        cover(until: max(target, coveredUntil + Self.step))
    }

    private mutating func cover(until: Double) {
        var cursor = coveredUntil
        while let next = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: cursor)),
              next.timeIntervalSince1970 <= until {
            let at = next.timeIntervalSince1970
            guard at > cursor else { break }
            let offset = Double(zone.secondsFromGMT(for: next))
            if offset != offsets[offsets.count - 1] {
                starts.append(at)
                offsets.append(offset)
            }
            cursor = at
        }
        coveredUntil = until
    }

    /// The segment `instant` falls in.
    private func segment(at instant: Double) -> Int {
        var low = 0, high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= instant { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// Seconds east of UTC at `instant`.
    func offset(at instant: Double) -> Double { offsets[segment(at: instant)] }

    /// Wall-clock seconds since 1970-01-01T00:00 local at `instant`.
    func wall(_ instant: Double) -> Double { instant + offset(at: instant) }

    /// The instant a wall-clock time happens. A time skipped by a change (spring forward) moves forward by the gap,
    /// as Foundation's calendar does; a time that happens twice (fall back) is its first occurrence.
    func instant(wall: Double) -> Double {
        // Near the instant whichever offset applies; check the segments either side of the first guess.
        let guess = segment(at: wall - offsets[segment(at: wall - offsets[0])])
        var best: Double?
        for index in max(0, guess - 1)...min(starts.count - 1, guess + 1) {
            let candidate = wall - offsets[index]
            let end = index + 1 < starts.count ? starts[index + 1] : .infinity
            if candidate >= starts[index], candidate < end, best.map({ candidate < $0 }) ?? true { best = candidate }
        }
        if let best { return best }
        // In a gap: the offset before the change, which lands as far past the change as the time was into the gap.
        for index in max(1, guess - 1)...max(1, min(starts.count - 1, guess + 1)) where index < starts.count {
            if starts[index] + offsets[index - 1] <= wall, wall < starts[index] + offsets[index] { return wall - offsets[index - 1] }
        }
        return wall - offsets[guess]
    }

    /// The local day (days since 1970-01-01 in the zone) `instant` falls on.
    func day(of instant: Double) -> Int { Int((wall(instant) / 86_400).rounded(.down)) }
}

extension LocalDate {
    /// Days since 1970-01-01 (negative before), by the proleptic Gregorian calendar.
    var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `dayNumber` days after 1970-01-01.
    init(dayNumber: Int) {
        let civil = ISOTimestamp.civil(fromDays: Int64(dayNumber))
        self.init(year: civil.year, month: civil.month, day: civil.day)
    }

    /// 1 = Sunday … 7 = Saturday (1970-01-01 was a Thursday).
    static func weekday(ofDayNumber number: Int) -> Int { ((number % 7 + 7) % 7 + 4) % 7 + 1 }
}
