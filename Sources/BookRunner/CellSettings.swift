import BookSupport
import Foundation

/// What a chapter needs to run its experiment cells (the engine's side: `Sources/Trufl/Cells/Cells.swift`):
/// where the cache is, the hash of the engine's sources that every cell's key covers, the `trufl-cell`
/// executable, and how many cells may run at once.
public struct CellSettings: Sendable {
    /// The content-addressed cache of cell results.
    public var directory: URL
    /// The hash of the experiments' code: the engine's sources and the package manifest (not the runner's,
    /// the plotting's or any chapter's).
    public var sourcesHash: String
    /// The executable that runs one cell.
    public var tool: URL
    /// Cells at a time.
    public var jobs: Int

    /// The cache is `.build/cells`, or the folder `BOOK_CELLS_DIR` names (a test's own, or one shared with
    /// other machines).
    public init(toolchain: Toolchain, jobs: Int) {
        if let folder = ProcessInfo.processInfo.environment["BOOK_CELLS_DIR"], !folder.isEmpty {
            directory = URL(fileURLWithPath: folder, isDirectory: true)
        } else {
            directory = toolchain.root.appendingPathComponent(".build/cells")
        }
        sourcesHash = SourcesHash.of(["Sources/Trufl", "Sources/CTruflKernels", "Package.swift"], under: toolchain.root)
        tool = toolchain.buildDirectory.appendingPathComponent("trufl-cell")
        self.jobs = jobs
    }

    init(directory: URL, sourcesHash: String, tool: URL, jobs: Int) {
        (self.directory, self.sourcesHash, self.tool, self.jobs) = (directory, sourcesHash, tool, jobs)
    }

    /// The variables a chapter process reads (``CellVariables``). Every key's salt covers the engine's sources,
    /// the profile and the BLAS kernel in force (the arithmetic: ``Arithmetic/configureProcess()`` has set it).
    public func environment(profile: String) -> [String: String] {
        let blas = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        return [CellVariables.directory: directory.path, CellVariables.salt: [sourcesHash, profile, blas].joined(separator: "|"),
                CellVariables.tool: tool.path, CellVariables.jobs: String(jobs)]
    }

    /// Copies the cell files in `folder` (each `<key>.json`, as `trufl-cell --output` wrote them) into the cache,
    /// checking that each is a whole record whose key is its name. Returns how many were imported; a file
    /// that is not a cell record is an error naming it, and nothing after it is lost (each copy is atomic).
    public func importCells(from folder: URL) throws -> Int {
        let fileManager = FileManager.default
        guard let names = try? fileManager.contentsOfDirectory(atPath: folder.path) else {
            throw ChapterError(folder.path, "cannot read this folder")
        }
        var count = 0
        for name in names.sorted() where name.hasSuffix(".json") {
            let file = folder.appendingPathComponent(name)
            guard let data = fileManager.contents(atPath: file.path),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let experiment = object["experiment"] as? String, let key = object["key"] as? String,
                  object["result"] != nil, object["configuration"] != nil else {
                throw ChapterError(file.path, "not a cell's result (trufl-cell writes {configuration, experiment, key, result})")
            }
            guard name == key + ".json" else { throw ChapterError(file.path, "its key is \(key), so its name should be \(key).json") }
            guard !experiment.isEmpty, experiment.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                throw ChapterError(file.path, "'\(experiment)' is not an experiment's name")
            }
            let target = directory.appendingPathComponent(experiment).appendingPathComponent(name)
            try fileManager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: target, options: .atomic)
            count += 1
        }
        return count
    }
}

/// A content hash of files and folders under a root (FNV-1a over paths and contents, in sorted order).
enum SourcesHash {
    static func of(_ items: [String], under root: URL) -> String {
        var hasher = FNV1a()
        let fileManager = FileManager.default
        for item in items {
            let base = root.appendingPathComponent(item)
            var files = [base.path]
            if let walker = fileManager.enumerator(atPath: base.path) {
                files = walker.compactMap { $0 as? String }.sorted().map { base.appendingPathComponent($0).path }
            }
            for file in files {
                guard let data = fileManager.contents(atPath: file) else { continue }
                hasher.add(Data(file.dropFirst(root.path.count).utf8))
                hasher.add(data)
            }
        }
        return hasher.hex
    }
}
