import Foundation

/// What the run cache knows of a chapter's last test, for the rendered book: it passed (the cache holds a passing
/// run for this text, these sources and committed figures), it failed (a failure record, written by the command that
/// failed), or it was not tested since the chapter or the sources last changed.
public enum LastTest: Sendable, Equatable {
    case passed
    /// `current`: the failure was of this very text and these sources (false: of an earlier version, not tested since).
    case failed(summary: String, details: String, current: Bool)
    case untested
}

/// Failure records beside the cache's passing entries (`NAME.failed.json`): `RunCache` keeps only passes, so a
/// chapter that failed could not otherwise be told from one never tested.
extension RunCache {
    struct FailureRecord: Codable {
        var key: String
        var summary: String
        var details: String
    }

    /// How many lines of a failure's report the record keeps (the diff's first hunks say what went wrong).
    static let keptFailureLines = 80

    func failureFile(_ chapter: Chapter) -> URL { directory.appendingPathComponent("\(chapter.name).failed.json") }

    func recordFailure(_ chapter: Chapter, summary: String, details: String) {
        var lines = details.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.count > Self.keptFailureLines {
            let dropped = lines.count - Self.keptFailureLines
            lines = Array(lines.prefix(Self.keptFailureLines)) + ["… (\(dropped) more lines)"]
        }
        let record = FailureRecord(key: key(for: chapter), summary: summary, details: lines.joined(separator: "\n"))
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if let data = try? JSONEncoder().encode(record) { try? data.write(to: failureFile(chapter), options: .atomic) }
    }

    func forgetFailure(_ chapter: Chapter) {
        try? FileManager.default.removeItem(at: failureFile(chapter))
    }

    func lastTest(_ chapter: Chapter, figuresDirectory: URL) -> LastTest {
        if lookup(chapter, figuresDirectory: figuresDirectory) != nil { return .passed }
        guard let data = FileManager.default.contents(atPath: failureFile(chapter).path),
              let record = try? JSONDecoder().decode(FailureRecord.self, from: data) else { return .untested }
        return .failed(summary: record.summary, details: record.details, current: record.key == key(for: chapter))
    }
}
