import ArgumentParser
import BookSupport
import Foundation

/// `--profile`, which every command that reads or runs chapters takes: given, or `$BOOK_PROFILE`, or quick; checked.
struct ProfileOption: ParsableArguments {
    @Option(help: "quick (CI-sized) or full (the paper's scale); default: $BOOK_PROFILE or quick.")
    var profile: String?

    func validate() throws {
        guard Profile(rawValue: resolved) != nil else {
            let names = Profile.allCases.map { "'\($0.rawValue)'" }.joined(separator: " or ")
            let source = profile == nil ? " (from $\(Profile.variable))" : ""
            throw ValidationError("the profile is \(names), not '\(resolved)'\(source)")
        }
    }

    var resolved: String {
        profile ?? ProcessInfo.processInfo.environment[Profile.variable].flatMap { $0.isEmpty ? nil : $0 }
            ?? Profile.quick.rawValue
    }
}
