import Foundation

/// Where the language-modelling corpora live and how they are checked: `make data` (scripts/data/fetch.py) writes
/// them into the data cache outside the repository (``DataCache``), with a copy of the
/// committed checksums (scripts/data/SHA256SUMS) beside them, `language-corpora.sha256` (named for these corpora:
/// other data in the cache keeps lists of its own); every file read here is checked against that list, so
/// a missing, truncated or edited file stops the run with the command that fetches it, never with a wrong number.
public enum CorpusFiles {
    /// The cache's copy of the checksums of the files below.
    public static let manifest = "language-corpora.sha256"

    /// The command that fetches the corpora, named in every error.
    public static let fetchCommand = "make data (or: python3 scripts/data/fetch.py)"

    /// The cache folder.
    public static var directory: URL { DataCache.directory() }

    /// The bytes of `name` (a path relative to the cache, as in the manifest), after checking its sha256.
    public static func read(_ name: String, in directory: URL = directory) throws -> [UInt8] {
        let list = directory.appendingPathComponent(manifest)
        guard let listText = try? String(contentsOf: list, encoding: .utf8) else {
            throw CorpusError("\(list.path) is missing: the corpora have not been fetched; run \(fetchCommand)")
        }
        let sums = parseChecksums(listText)
        guard let expected = sums[name] else {
            throw CorpusError("\(list.path) lists no '\(name)'; run \(fetchCommand) again")
        }
        let file = directory.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw CorpusError("\(file.path) is missing; run \(fetchCommand)")
        }
        let bytes = [UInt8](data)
        let digest = SHA256.hex(bytes)
        guard digest == expected else {
            throw CorpusError("\(file.path) is corrupt (sha256 \(digest), expected \(expected)); delete it and run \(fetchCommand)")
        }
        return bytes
    }

    /// `digest  name` lines (comments and blank lines skipped) as name → digest.
    public static func parseChecksums(_ text: String) -> [String: String] {
        var sums: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard fields.count == 2 else { continue }
            sums[fields[1].trimmingCharacters(in: .whitespaces)] = String(fields[0])
        }
        return sums
    }
}

/// A corpus that cannot be read, with why and what to run.
public struct CorpusError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = "language data: " + description }
}
