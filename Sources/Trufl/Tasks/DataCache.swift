import Foundation

/// Where the data sets that `make data` fetches live (scripts/data/: chapter 07's corpora, chapter 09's molecules):
/// `$TRUFL_DATA_DIR`, else `${XDG_CACHE_HOME:-~/.cache}/trufl-book/data`, outside the repository. The fetch scripts
/// follow the same rule; each data set checks its files against checksums committed with the book.
public enum DataCache {
    /// The variable that moves the cache.
    public static let variable = "TRUFL_DATA_DIR"

    /// The cache folder under `environment`.
    public static func directory(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let given = environment[variable], !given.isEmpty { return URL(fileURLWithPath: given, isDirectory: true) }
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
        return URL(fileURLWithPath: cache, isDirectory: true).appendingPathComponent("trufl-book/data", isDirectory: true)
    }
}
