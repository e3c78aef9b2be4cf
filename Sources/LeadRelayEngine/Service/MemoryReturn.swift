import Foundation
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Gives the memory a busy spell freed back to the system.
///
/// glibc's allocator keeps what a process freed for its next allocations: after a backlog of a hundred thousand
/// records the idle daemon held 700 MB of which 550 MB were free. Trimming when the daemon goes quiet (the first
/// cycle that changed nothing after work), and at most every `busyEvery` while a backlog lasts, returns it.
public final class MemoryReturn: Sendable {
    struct State {
        /// Work was done since the last trim.
        var dirty = false
        var lastTrim: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    let busyEvery: Duration
    let release: @Sendable () -> Void
    let logger: Logger

    /// - Parameter release: what gives the memory back (default: `malloc_trim(0)` where the C library has it).
    public init(busyEvery: Duration = .seconds(60), logger: Logger, release: @escaping @Sendable () -> Void = MemoryReturn.trimHeap) {
        self.busyEvery = busyEvery
        self.logger = logger
        self.release = release
    }

    /// A round that did work (records changed, effects carried out); trims if a backlog has run `busyEvery` since the last.
    public func busy(now: ContinuousClock.Instant = .now) {
        let due = state.withLock { state -> Bool in
            state.dirty = true
            guard let last = state.lastTrim else {
                state.lastTrim = now
                return false
            }
            return now - last >= busyEvery
        }
        if due { trim(now: now) }
    }

    /// A round that found nothing to do; trims once after work.
    public func quiet(now: ContinuousClock.Instant = .now) {
        if state.withLock({ $0.dirty }) { trim(now: now) }
    }

    func trim(now: ContinuousClock.Instant) {
        state.withLock { state in
            state.dirty = false
            state.lastTrim = now
        }
        // /proc is read only for the debug line, never when nobody will see it.
        let logged = logger.logLevel <= .debug
        let before = logged ? Self.resident()?.rss : nil
        release()
        guard logged else { return }
        logger.debug("Freed memory returned to the system.", metadata: [
            "memory.rss_before_mb": "\(before.map { String(Int($0)) } ?? "?")",
            "memory.rss_after_mb": "\(Self.resident()?.rss.map { String(Int($0)) } ?? "?")",
        ])
    }

    /// `malloc_trim(0)`: every arena's free pages back to the kernel (a no-op where the C library lacks it).
    public static let trimHeap: @Sendable () -> Void = {
        _ = mallocTrim?(0)
    }

    /// glibc's `malloc_trim`, looked up at run time: it is a GNU extension the Glibc module does not import, and other
    /// C libraries (musl, static builds) lack it.
    static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
        guard let program = dlopen(nil, RTLD_NOW), let symbol = dlsym(program, "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
        return nil
        #endif
    }()

    /// This process's resident memory in MB (`VmRSS` of `/proc/self/status`), where `/proc` has it.
    public static func residentMegabytes() -> Double? { resident()?.rss }

    /// A process's resident and peak resident memory in MB (`VmRSS`, `VmHWM` of `/proc/PID/status`; this process by
    /// default); `nil` where `/proc` has no such process.
    public static func resident(process: Int32? = nil) -> (rss: Double?, peak: Double?)? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.map(String.init) ?? "self")/status", encoding: .utf8) else { return nil }
        func megabytes(_ key: String) -> Double? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }),
                  let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return nil }
            return kilobytes / 1024
        }
        return (megabytes("VmRSS"), megabytes("VmHWM"))
    }
}
