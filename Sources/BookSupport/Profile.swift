import Foundation

/// How big a chapter runs: `quick` in CI, `full` at the paper's scale.
///
/// The runner passes the profile to a chapter's process in `BOOK_PROFILE`; a chapter reads it here and
/// sizes its experiments with ``pick(quick:full:)``.
public enum Profile: String, Sendable, CaseIterable {
    case quick, full

    /// The environment variable that carries it (`book --profile`, or set by hand).
    public static let variable = "BOOK_PROFILE"

    /// The profile this process runs under (`BOOK_PROFILE`, `quick` when unset).
    public static let current: Profile = {
        guard let name = ProcessInfo.processInfo.environment[variable], !name.isEmpty else { return .quick }
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
