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

    /// Writes `text` to `figures/<name>` atomically and returns the path a chapter should link. Under the full
    /// profile the name gains `-full` (``figureName(_:profile:)``), so that `book bless --profile full` never
    /// overwrites the quick profile's committed figure, which `book test` (quick, as in CI) compares against.
    @discardableResult
    public static func writeFigure(_ text: String, named requested: String) -> String {
        let name = figureName(requested, profile: Profile.current)
        let directory = figures
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: directory.appendingPathComponent(name), options: .atomic)
        } catch {
            fatalError("cannot write figure '\(name)' to \(directory.path): \(error)")
        }
        return "figures/\(name)"
    }

    /// `name` under `profile`: unchanged for quick; for full, `-full` before the extension unless it is there
    /// already (`04-prior.svg` → `04-prior-full.svg`, `06-rate-full.svg` stays).
    public static func figureName(_ name: String, profile: Profile) -> String {
        guard profile == .full else { return name }
        let dot = name.lastIndex(of: ".") ?? name.endIndex
        let stem = name[..<dot], suffix = name[dot...]
        return stem.hasSuffix("-full") ? name : stem + "-full" + suffix
    }
}
