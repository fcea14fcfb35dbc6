import Foundation

/// Where a chapter writes its figures: `BOOK_FIGURES` when the runner sets it, else `figures/`.
public enum BookPaths {
    /// The environment variable by which the runner gives each run its own folder.
    public static let figuresVariable = "BOOK_FIGURES"

    public static var figures: URL {
        let path = ProcessInfo.processInfo.environment[figuresVariable] ?? "figures"
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
