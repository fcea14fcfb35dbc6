import Foundation

/// How big a chapter runs: `quick` in CI, `full` at the paper's scale.
///
/// The runner passes the profile to a chapter's process in `BOOK_PROFILE`; a chapter reads it here and
/// sizes its experiments with ``pick(quick:full:)``.
public enum Profile: String, Sendable, CaseIterable {
    case quick, full

    /// The profile this process runs under (`BOOK_PROFILE`, `quick` when unset).
    public static let current: Profile = {
        guard let name = ProcessInfo.processInfo.environment["BOOK_PROFILE"], !name.isEmpty else { return .quick }
        guard let profile = Profile(rawValue: name) else {
            fatalError("BOOK_PROFILE must be 'quick' or 'full', not '\(name)'")
        }
        return profile
    }()

    /// `quick` under the quick profile, `full` under the full one.
    public static func pick<T>(quick: T, full: T) -> T {
        current == .quick ? quick : full
    }
}

/// Where a chapter writes its figures: `BOOK_FIGURES` when the runner sets it, else `figures/`.
public enum BookPaths {
    public static var figures: URL {
        let path = ProcessInfo.processInfo.environment["BOOK_FIGURES"] ?? "figures"
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    /// Writes `text` to `figures/<name>` atomically and returns the path a chapter should link.
    @discardableResult
    public static func writeFigure(_ text: String, named name: String) -> String {
        let directory = figures
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: directory.appendingPathComponent(name), options: .atomic)
        } catch {
            fatalError("cannot write figure '\(name)' to \(directory.path): \(error)")
        }
        return "figures/\(name)"
    }
}
