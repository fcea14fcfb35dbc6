// trufl-bench: the engine's side of `make bench` (bench/run.py runs it beside bench/pytorch/rows.py).
//
//   trufl-bench --row lstm-made --repeats 5   one JSON line per sample
//   trufl-bench --serve                       reads row names from stdin, answers one sample per line
//   trufl-bench --list | --machine
//   trufl-bench --colouring-batch             row 6's graphs, for bench/pytorch/rows.py
//   trufl-bench --molecule-batch              row 9's molecules and marginals, for bench/pytorch/rows.py
//
// Each sample is measured inside the process, after a warm-up that also calibrates how many iterations a
// sample averages over (about --seconds of work), so process start-up never enters a timing.
import ArgumentParser
import BookSupport
import Foundation
import Trufl

struct TruflBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trufl-bench", abstract: "The engine's benchmarks, one JSON line per sample.")

    @Option(help: "The row to run (see --list).") var row: String?
    @Option(help: "Samples to print for --row.") var repeats = 5
    @Option(help: "Approximate seconds of work per sample.") var seconds = 0.3
    @Option(help: "wall (monotonic) or cpu (process CPU time, all threads).") var clock = "wall"
    @Flag(help: "Read row names from stdin, one sample each.") var serve = false
    @Flag(help: "List the rows.") var list = false
    @Flag(help: "Print the BLAS kernel and threads.") var machine = false
    @Flag(help: "Print row 6's batch of graphs as JSON (bench/pytorch/rows.py reads it).") var colouringBatch = false
    @Flag(help: "Print row 9's batch of molecules and its marginals as JSON (bench/pytorch/rows.py reads it).")
    var moleculeBatch = false

    mutating func run() throws {
        switch clock {
        case "wall": benchClock = CLOCK_MONOTONIC
        case "cpu": benchClock = CLOCK_PROCESS_CPUTIME_ID
        default: throw ValidationError("--clock is wall or cpu, not '\(clock)'")
        }
        let runner = Runner(seconds: seconds)
        if list { rowNames.forEach { print($0) }; return }
        if machine { emit(["side": "engine", "machine": Machine.info()]); return }
        if colouringBatch { emit(colouringStepBatchJSON()); return }
        if moleculeBatch {
            let row = MoleculeStepRow()
            emit(row.data.json(model: row.model))
            return
        }
        if serve {
            emit(["side": "engine", "ready": true, "machine": Machine.info()])
            while let line = readLine() {
                let name = line.trimmingCharacters(in: .whitespaces)
                if name.isEmpty { continue }
                if name == "quit" { break }
                emit(runner.sample(name))
            }
            return
        }
        guard let row else { throw ValidationError("give --row NAME, --serve, --list or --machine") }
        guard rowNames.contains(row) else { throw ValidationError("unknown row '\(row)'; rows: \(rowNames)") }
        for _ in 0..<repeats { emit(runner.sample(row)) }
    }
}

/// Keeps each row's model and its calibrated iteration count between samples.
final class Runner {
    let seconds: Double
    var rows: [String: BenchRow] = [:]
    var iterations: [String: Int] = [:]

    init(seconds: Double) { self.seconds = seconds }

    func sample(_ name: String) -> [String: Any] {
        var out: [String: Any] = ["side": "engine", "row": name]
        if rows[name] == nil {
            guard let row = makeRow(name) else { out["error"] = "unknown row"; return out }
            rows[name] = row
        }
        let row = rows[name]!
        out["info"] = row.info
        if iterations[name] == nil {
            // Warm-up: at least 3 iterations and a third of a sample's time; the mean sets the count.
            var count = 0
            let start = now()
            while count < 3 || now() - start < seconds / 3 { _ = row.iterate(); count += 1 }
            let each = (now() - start) / Double(count)
            iterations[name] = max(1, min(1_000_000, Int((seconds / each).rounded())))
        }
        let n = iterations[name]!
        var totals: [String: Double] = [:]
        for _ in 0..<n {
            for (phase, t) in row.iterate() { totals[phase, default: 0] += t }
        }
        out["iterations"] = n
        out["seconds"] = totals.mapValues { $0 / Double(n) }
        out["check"] = row.check
        return out
    }
}

func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: sanitise(object), options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
    fflush(stdout)
}

/// JSON has no NaN: replace non-finite doubles with nil (null).
func sanitise(_ value: Any) -> Any {
    switch value {
    case let d as Double: return d.isFinite ? d : NSNull()
    case let dict as [String: Any]: return dict.mapValues(sanitise)
    case let array as [Any]: return array.map(sanitise)
    default: return value
    }
}

ProcessMemory.keepFreedMemory()
TruflBench.main()
