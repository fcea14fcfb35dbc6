import BookSupport
import Foundation

/// What a finished child process left behind.
public struct ProcessResult: Sendable {
    public var status: Int32
    /// True when the process was stopped by a signal (a trap, a crash, or our timeout).
    public var signalled: Bool
    public var timedOut: Bool
    public var stdout: String
    public var stderr: String
    public var seconds: Double
}

/// Runs a child process with a time limit, collecting its output; stderr can be echoed live
/// (training progress) while it is collected.
public enum Subprocess {
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           timeout: Double, echoStderr: Bool = false) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = FileHandle.nullDevice

        let collected = Collected()
        let group = DispatchGroup()
        for (pipe, isError) in [(outPipe, false), (errPipe, true)] {
            group.enter()
            Thread.detachNewThread {
                let handle = pipe.fileHandleForReading
                var echoing = isError && echoStderr
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    collected.append(chunk, isError: isError)
                    guard echoing else { continue }
                    // A crash's stack trace is not progress: the runner reports the error itself.
                    if let text = String(data: chunk, encoding: .utf8), let trace = text.range(of: "Current stack trace:") {
                        FileHandle.standardError.write(visible(Data(text[..<trace.lowerBound].utf8)))
                        echoing = false
                    } else {
                        FileHandle.standardError.write(visible(chunk))
                    }
                }
                group.leave()
            }
        }
        let started = Date()
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        var timedOut = false
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
        }
        group.wait()
        let (out, err) = collected.strings()
        return ProcessResult(status: process.terminationStatus,
                             signalled: process.terminationReason == .uncaughtSignal,
                             timedOut: timedOut, stdout: out, stderr: err,
                             seconds: Date().timeIntervalSince(started))
    }

    /// Drops the runner's block markers from echoed stderr.
    static func visible(_ chunk: Data) -> Data {
        guard chunk.contains(Data(BookProgram.separator.utf8)[0]), let text = String(data: chunk, encoding: .utf8) else { return chunk }
        let kept = text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix(BookProgram.separator) }.joined(separator: "\n")
        return Data(kept.utf8)
    }

    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var out = Data(), err = Data()
        func append(_ data: Data, isError: Bool) {
            lock.lock(); defer { lock.unlock() }
            if isError { err.append(data) } else { out.append(data) }
        }
        func strings() -> (String, String) {
            lock.lock(); defer { lock.unlock() }
            return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
        }
    }
}
