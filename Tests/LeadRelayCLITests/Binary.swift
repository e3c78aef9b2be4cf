import Foundation

/// The repository root, found from this file's path.
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// The built `leadrelay` executable, beside the test bundle in the build folder.
let leadrelayBinary: String = {
    var candidates: [String] = []
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        candidates.append(directory.appendingPathComponent("leadrelay").path)
        directory.deleteLastPathComponent()
    }
    candidates.append(repositoryRoot + "/.build/debug/leadrelay")
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
}()

struct Run: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the CLI as a user would and waits for it to exit.
///
/// Pipes are drained and the exit awaited on Dispatch threads, never on the cooperative pool:
/// the simulator serving the child lives in this process and needs those threads.
func runCLI(_ arguments: [String], environment: [String: String] = [:]) async throws -> Run {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: leadrelayBinary)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["CREDENTIALS_DIRECTORY"] = nil
    env.merge(environment) { _, new in new }
    process.environment = env
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    async let stdout = drain(out)
    async let stderr = drain(err)
    let (o, e) = await (stdout, stderr)
    let status: Int32 = await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            process.waitUntilExit()
            continuation.resume(returning: process.terminationStatus)
        }
    }
    return Run(status: status, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
}

private func drain(_ pipe: Pipe) async -> Data {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(returning: pipe.fileHandleForReading.readDataToEndOfFile())
        }
    }
}
