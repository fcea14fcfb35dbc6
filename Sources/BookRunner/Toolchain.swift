import Foundation

/// Where the release-built engine is and how to compile a chapter's program against it: the chapter at
/// -Onone (a second or two to compile), the engine already at -O in `libTruflBook.so`.
public struct Toolchain: Sendable {
    /// The book's root folder (the one holding Package.swift and chapters/).
    public var root: URL
    /// The folder holding `libTruflBook.so` and `Modules/` (the release build's bin path).
    public var buildDirectory: URL
    public var swiftc: String

    /// Finds the book's root from the current directory upward and the engine build beside the running
    /// `book` executable (or in `BOOK_BUILD_DIR`).
    public static func locate() throws -> Toolchain {
        let fileManager = FileManager.default
        var root = URL(fileURLWithPath: fileManager.currentDirectoryPath)
        while !fileManager.fileExists(atPath: root.appendingPathComponent("Package.swift").path)
                || !fileManager.fileExists(atPath: root.appendingPathComponent("chapters").path) {
            let parent = root.deletingLastPathComponent()
            guard parent.path != root.path else {
                throw ChapterError("book", "run `book` inside the book's folder (the one with Package.swift and chapters/)")
            }
            root = parent
        }
        let environment = ProcessInfo.processInfo.environment
        let build: URL
        if let directory = environment["BOOK_BUILD_DIR"] {
            build = URL(fileURLWithPath: directory)
        } else {
            let executable = (try? fileManager.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            build = URL(fileURLWithPath: executable).deletingLastPathComponent()
        }
        guard fileManager.fileExists(atPath: build.appendingPathComponent("libTruflBook.so").path) else {
            throw ChapterError("book", "the engine library is missing from \(build.path): run `make` (or `swift build -c release`) first")
        }
        return Toolchain(root: root, buildDirectory: build, swiftc: try findSwiftc(environment))
    }

    static func findSwiftc(_ environment: [String: String]) throws -> String {
        if let explicit = environment["SWIFTC"] { return explicit }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/swiftc"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ChapterError("book", "swiftc is not on PATH")
    }

    /// The package the engine was built from: the folder holding the `.build` the engine sits in.
    var engineRoot: URL {
        var folder = buildDirectory
        while folder.path != "/" {
            if folder.lastPathComponent == ".build" { return folder.deletingLastPathComponent() }
            folder = folder.deletingLastPathComponent()
        }
        return root
    }

    /// Folders holding the module maps of the C modules the engine's interface reaches
    /// (OpenBLAS and the engine's own kernels here, swift-numerics' shims in the checkouts).
    func moduleMapDirectories() -> [String] {
        let fileManager = FileManager.default
        var result: [String] = []
        func scan(_ folder: URL, subpath: String) {
            guard let names = try? fileManager.contentsOfDirectory(atPath: folder.path) else { return }
            for name in names.sorted() {
                let candidate = folder.appendingPathComponent(name).appendingPathComponent(subpath)
                if fileManager.fileExists(atPath: candidate.appendingPathComponent("module.modulemap").path) {
                    result.append(candidate.path)
                }
            }
        }
        scan(engineRoot.appendingPathComponent("Sources"), subpath: "")  // system libraries: COpenBLAS
        scan(engineRoot.appendingPathComponent("Sources"), subpath: "include")  // C targets: CTruflKernels
        // .build/release is a link to .build/<triple>/release: the checkouts are one or two levels up.
        let candidates = [buildDirectory.deletingLastPathComponent(),
                          buildDirectory.deletingLastPathComponent().deletingLastPathComponent()]
        let checkouts = candidates.map { $0.appendingPathComponent("checkouts") }
            .first { fileManager.fileExists(atPath: $0.path) } ?? root.appendingPathComponent(".build/checkouts")
        for package in (try? fileManager.contentsOfDirectory(atPath: checkouts.path))?.sorted() ?? [] {
            scan(checkouts.appendingPathComponent(package).appendingPathComponent("Sources"), subpath: "include")
        }
        return result
    }

    /// The swiftc arguments that compile `source` into `executable`.
    func compileArguments(source: String, executable: String) -> [String] {
        var arguments = ["-Onone", "-swift-version", "5", "-diagnostic-style=llvm",
                         "-I", buildDirectory.appendingPathComponent("Modules").path]
        for directory in moduleMapDirectories() { arguments += ["-I", directory] }
        arguments += ["-L", buildDirectory.path, "-lTruflBook",
                      "-Xlinker", "-rpath", "-Xlinker", buildDirectory.path,
                      // Named `chapters` so that the runtime's `#fileID` in a trap reads `chapters/x.md:LINE`.
                      "-module-name", "chapters", source, "-o", executable]
        return arguments
    }
}
