import Foundation
import Testing
@testable import BookCells
import Trufl

/// An experiment whose runs are counted, to see which cells the cache spares.
enum CountingExperiment: Experiment {
    struct Configuration: Codable, Sendable { var x: Double; var name: String }
    struct Result: Codable, Sendable, Equatable { var square: Double; var extremes: [Double] }
    static let name = "counting"
    nonisolated(unsafe) static var runs = 0
    static let lock = NSLock()
    static func label(_ c: Configuration) -> String { "x \(c.x)" }
    static func run(_ c: Configuration) -> Result {
        lock.lock(); runs += 1; lock.unlock()
        return Result(square: c.x * c.x, extremes: [-.infinity, .infinity, 0.1 + 0.2, Double.leastNonzeroMagnitude])
    }
}

@Suite(.serialized) struct CellTests {
    func folder() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("trufl-cells-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func aCachedCellIsNotRunAgainAndReadsBackBitForBit() {
        let directory = folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let settings = Cells.Settings(directory: directory, salt: "test", tool: nil, jobs: 2, listFile: nil)
        let grid = [CountingExperiment.Configuration(x: 3, name: "a"), .init(x: 0.1, name: "it's")]
        let before = CountingExperiment.runs
        let first = Cells.run(CountingExperiment.self, grid, settings: settings, place: "test")
        #expect(CountingExperiment.runs == before + 2)
        let again = Cells.run(CountingExperiment.self, grid + [.init(x: 4, name: "b")], settings: settings, place: "test")
        #expect(CountingExperiment.runs == before + 3, "only the new cell runs")
        #expect(Array(again.prefix(2)) == first)
        #expect(first[0].extremes[0] == -.infinity && first[0].extremes[2] == 0.1 + 0.2)
        #expect(first[1].square == 0.1 * 0.1)
    }

    @Test func theKeyCoversConfigurationAndSaltNotOrder() {
        let a = Cell<CountingExperiment>(.init(x: 1, name: "a"), salt: "s1")
        #expect(a.key == Cell<CountingExperiment>(.init(x: 1, name: "a"), salt: "s1").key)
        #expect(a.key != Cell<CountingExperiment>(.init(x: 1, name: "b"), salt: "s1").key)
        #expect(a.key != Cell<CountingExperiment>(.init(x: 1, name: "a"), salt: "s2").key)
        #expect(a.key.count == 32)
        #expect(a.json == #"{"name":"a","x":1}"#, "sorted keys: the same configuration always has the same bytes")
    }

    @Test func aDamagedCacheFileIsRunAgain() throws {
        let directory = folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let settings = Cells.Settings(directory: directory, salt: "test", tool: nil, jobs: 1, listFile: nil)
        let grid = [CountingExperiment.Configuration(x: 5, name: "c")]
        _ = Cells.run(CountingExperiment.self, grid, settings: settings, place: "test")
        let cell = Cell<CountingExperiment>(grid[0], salt: "test")
        try Data("{\"experiment\": \"counting\", \"key\": ".utf8).write(to: cell.file(in: directory))
        let before = CountingExperiment.runs
        #expect(Cells.run(CountingExperiment.self, grid, settings: settings, place: "test")[0].square == 25)
        #expect(CountingExperiment.runs == before + 1)
    }

    @Test func anUnknownExperimentIsNamed() {
        #expect(throws: CellError.self) { try Experiments.run(named: "nope", configuration: Data("{}".utf8)) }
        #expect(throws: CellError.self) { try Experiments.run(named: GraphColouringExperiment.name, configuration: Data("{}".utf8)) }
    }
}
