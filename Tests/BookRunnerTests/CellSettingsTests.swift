import Foundation
import Testing
@testable import BookRunner

@Suite struct CellSettingsTests {
    func folder(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("trufl-\(name)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func settings(cache: URL) throws -> CellSettings {
        CellSettings(directory: cache, sourcesHash: "test", tool: URL(fileURLWithPath: "/bin/false"), jobs: 1)
    }

    @Test func importCopiesWholeRecordsIntoTheirExperimentsFolder() throws {
        let (from, cache) = (folder("results"), folder("cache"))
        defer { try? FileManager.default.removeItem(at: from); try? FileManager.default.removeItem(at: cache) }
        let record = #"{"configuration":{"x":1},"experiment":"toy","key":"abc","result":{"y":2}}"#
        try Data(record.utf8).write(to: from.appendingPathComponent("abc.json"))
        let imported = try settings(cache: cache).importCells(from: from)
        #expect(imported == 1)
        #expect(FileManager.default.contents(atPath: cache.appendingPathComponent("toy/abc.json").path) == Data(record.utf8))
    }

    @Test func aDamagedOrMisnamedFileIsAnErrorNamingIt() throws {
        let (from, cache) = (folder("results"), folder("cache"))
        defer { try? FileManager.default.removeItem(at: from); try? FileManager.default.removeItem(at: cache) }
        try Data(#"{"experiment":"toy","key":"abc""#.utf8).write(to: from.appendingPathComponent("abc.json"))
        do { _ = try settings(cache: cache).importCells(from: from); Issue.record("a truncated file was imported") } catch {
            #expect("\(error)".contains("abc.json"))
        }
        try Data(#"{"configuration":{},"experiment":"toy","key":"abc","result":{}}"#.utf8).write(to: from.appendingPathComponent("abc.json"))
        try FileManager.default.moveItem(at: from.appendingPathComponent("abc.json"), to: from.appendingPathComponent("other.json"))
        do { _ = try settings(cache: cache).importCells(from: from); Issue.record("a misnamed file was imported") } catch {
            #expect("\(error)".contains("abc.json"))
        }
    }

    /// The key's hash covers the engine's sources but not the runner's or any chapter's.
    @Test func theSourcesHashIgnoresWhatIsNotTheEngine() throws {
        let root = folder("root")
        defer { try? FileManager.default.removeItem(at: root) }
        for (path, text) in [("Sources/Trufl/A.swift", "a"), ("Sources/BookRunner/B.swift", "b"), ("chapters/01.md", "c")] {
            let file = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        let items = ["Sources/Trufl", "Sources/CTruflKernels", "Package.swift"]
        let before = SourcesHash.of(items, under: root)
        try Data("b2".utf8).write(to: root.appendingPathComponent("Sources/BookRunner/B.swift"))
        try Data("c2".utf8).write(to: root.appendingPathComponent("chapters/01.md"))
        #expect(SourcesHash.of(items, under: root) == before)
        try Data("a2".utf8).write(to: root.appendingPathComponent("Sources/Trufl/A.swift"))
        #expect(SourcesHash.of(items, under: root) != before)
    }
}
