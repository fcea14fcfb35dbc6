import BookSupport
import Foundation
import Trufl

/// A chapter's grid of cells: each configuration's result from the cache, the missing ones computed first,
/// each in a process of its own, as many at a time as `book -j` allows.
///
/// The cache is content-addressed: a cell's key covers its experiment, its configuration's JSON, the engine's
/// sources (a hash that `book` computes), the profile and the BLAS kernel, never the chapter's prose or its
/// printing code, so a chapter whose text changed reprints its tables from the cache in seconds.
///
/// What `book` passes to a chapter is ``CellVariables`` (BookSupport): the cache folder (without it every cell
/// runs here, in this process, one after the other, and nothing is kept), the salt of every key (the engine
/// sources' hash, the profile, the BLAS kernel), the `trufl-cell` executable and how many cells at once; and,
/// from `book cells`, a file to list the missing cells in instead (one JSON object a line; the chapter then
/// stops at the first grid that has any).
public enum Cells {
    /// The results of `experiment` on `configurations`, in their order. `file` and `line` (the chapter's,
    /// through the runner's `#sourceLocation`) name the grid in errors.
    public static func run<E: Experiment>(_ experiment: E.Type, _ configurations: [E.Configuration],
                                          file: StaticString = #file, line: UInt = #line) -> [E.Result] {
        run(experiment, configurations, settings: settings, place: "\(file):\(line)")
    }

    static func run<E: Experiment>(_ experiment: E.Type, _ configurations: [E.Configuration], settings: Settings,
                                   place: String) -> [E.Result] {
        let cells = configurations.map { Cell<E>($0, salt: settings.salt) }
        guard let directory = settings.directory else { return cells.map { E.run($0.configuration) } }
        var results = cells.map { $0.cached(in: directory) }
        let missing = cells.indices.filter { results[$0] == nil }
        if missing.isEmpty { return results.map { $0! } }
        if let listFile = settings.listFile {
            list(missing.map { cells[$0] }, to: listFile)
            exit(0)
        }
        guard let tool = settings.tool else {
            for i in missing { results[i] = cells[i].runHere(storingIn: directory) }
            return results.map { $0! }
        }
        let failures = launch(missing.map { cells[$0] }, tool: tool, directory: directory, jobs: settings.jobs)
        if let (cell, status) = failures.first {
            fatalError("the cell '\(E.label(cell.configuration))' of experiment '\(E.name)' (asked for at \(place)) "
                + "failed with exit status \(status); its configuration: \(cell.json)"
                + (failures.count > 1 ? " (and \(failures.count - 1) more cells failed)" : ""))
        }
        for i in missing {
            guard let result = cells[i].cached(in: directory) else {
                fatalError("the cell '\(E.label(cells[i].configuration))' (asked for at \(place)) finished but left no readable result at \(cells[i].file(in: directory).path)")
            }
            results[i] = result
        }
        return results.map { $0! }
    }

    struct Settings {
        var directory: URL?
        var salt: String
        var tool: String?
        var jobs: Int
        var listFile: String?
    }

    static let settings: Settings = {
        let environment = ProcessInfo.processInfo.environment
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        return Settings(directory: value(CellVariables.directory).map { URL(fileURLWithPath: $0, isDirectory: true) },
                        salt: value(CellVariables.salt) ?? "unsalted|\(Profile.current.rawValue)",
                        tool: value(CellVariables.tool),
                        jobs: max(1, value(CellVariables.jobs).flatMap { Int($0) } ?? ProcessInfo.processInfo.activeProcessorCount),
                        listFile: value(CellVariables.listFile))
    }()

    /// Appends one JSON object a line for `book cells`: `experiment`, `key`, `label` and `configuration` (the
    /// configuration's JSON as a string, byte for byte what the key was computed from).
    static func list<E: Experiment>(_ cells: [Cell<E>], to path: String) {
        var text = ""
        for cell in cells {
            let line = ["configuration": cell.json, "experiment": E.name, "key": cell.key, "label": E.label(cell.configuration)]
            guard let data = try? CellCoding.encoder.encode(line) else { fatalError("cannot list the cell '\(E.label(cell.configuration))'") }
            text += String(decoding: data, as: UTF8.self) + "\n"
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { fatalError("cannot write the list of cells to \(path)") }
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        handle.closeFile()
    }

    /// Runs each cell as `tool --experiment … --key … --configuration … --output …`, `jobs` at a time, its
    /// standard error (the training's progress) passed through. Returns the cells that failed, with their status.
    static func launch<E: Experiment>(_ cells: [Cell<E>], tool: String, directory: URL, jobs: Int) -> [(Cell<E>, Int32)] {
        let slots = DispatchSemaphore(value: jobs)
        let group = DispatchGroup()
        let failures = Failures<E>()
        for (index, cell) in cells.enumerated() {
            slots.wait()
            group.enter()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = cell.arguments(output: cell.file(in: directory).path)
            process.terminationHandler = { finished in
                if finished.terminationStatus != 0 || finished.terminationReason != .exit {
                    failures.add(index, cell, finished.terminationStatus)
                }
                slots.signal()
                group.leave()
            }
            do { try process.run() } catch {
                fatalError("cannot start \(tool) for the cell '\(E.label(cell.configuration))': \(error)")
            }
        }
        group.wait()
        return failures.inOrder
    }

    /// The cells that failed, as their processes end (on Foundation's threads).
    final class Failures<E: Experiment>: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [(index: Int, cell: Cell<E>, status: Int32)] = []
        func add(_ index: Int, _ cell: Cell<E>, _ status: Int32) { lock.lock(); list.append((index, cell, status)); lock.unlock() }
        var inOrder: [(Cell<E>, Int32)] { lock.lock(); defer { lock.unlock() }; return list.sorted { $0.index < $1.index }.map { ($0.cell, $0.status) } }
    }
}

/// One configuration of an experiment, with its JSON and its key.
struct Cell<E: Experiment> {
    let configuration: E.Configuration
    let json: String
    let key: String

    init(_ configuration: E.Configuration, salt: String) {
        self.configuration = configuration
        guard let data = try? CellCoding.encoder.encode(configuration) else {
            fatalError("the configuration of a cell of '\(E.name)' cannot be written as JSON")
        }
        json = String(decoding: data, as: UTF8.self)
        key = CellKey.of([E.name, json, salt])
    }

    func file(in directory: URL) -> URL { directory.appendingPathComponent(E.name).appendingPathComponent(key + ".json") }

    func arguments(output: String) -> [String] {
        ["--experiment", E.name, "--key", key, "--configuration", json, "--output", output]
    }

    /// The stored result, when the cache has one for this key.
    func cached(in directory: URL) -> E.Result? {
        guard let data = FileManager.default.contents(atPath: file(in: directory).path),
              let record = try? CellCoding.decoder.decode(CellRecord<E.Result>.self, from: data),
              record.key == key, record.experiment == E.name else { return nil }
        return record.result
    }

    /// Runs in this process (no `trufl-cell` at hand) and stores the result as `trufl-cell` would.
    func runHere(storingIn directory: URL) -> E.Result {
        let result = E.run(configuration)
        guard let data = try? CellCoding.encoder.encode(result) else { fatalError("the result of '\(E.label(configuration))' cannot be written as JSON") }
        do { try Experiments.store(experiment: E.name, key: key, configuration: json, result: data, to: file(in: directory)) } catch {
            fatalError("cannot store the cell '\(E.label(configuration))': \(error)")
        }
        return result
    }
}

/// A cell's file in the cache: what ran and what it gave.
struct CellRecord<Result: Decodable>: Decodable {
    let experiment: String
    let key: String
    let result: Result
}

/// A cell's key: two FNV-1a 64-bit hashes (different offsets) of its parts, 32 hex digits.
enum CellKey {
    static func of(_ parts: [String]) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325, b: UInt64 = 0x8422_2325_cbf2_9ce4
        for part in parts {
            for byte in Array(part.utf8) + [0] {
                a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
                b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
        }
        return String(format: "%016llx%016llx", a, b)
    }
}
