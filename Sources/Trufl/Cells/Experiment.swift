import Foundation

/// One kind of training-and-evaluation run that a chapter's grid repeats over methods, seeds and sizes.
///
/// A run of it, a *cell*, is named by its ``Configuration`` and yields its ``Result``: both `Codable`, so
/// that a cell can run in a process of its own (`trufl-cell`, on this machine or on a cluster) and its
/// result be kept in a content-addressed cache (``Cells``). `run` must depend on nothing but its
/// configuration: every random stream it draws is named there, so one cell computes the same bits alone,
/// beside others, or on another machine in the book's arithmetic.
public protocol Experiment {
    associatedtype Configuration: Codable & Sendable
    associatedtype Result: Codable & Sendable
    /// The name cells are filed and launched under (letters, digits and dashes).
    static var name: String { get }
    /// A few words naming the cell in progress lines and errors (`small trufl seed 2`).
    static func label(_ configuration: Configuration) -> String
    /// Trains and evaluates; progress goes to standard error.
    static func run(_ configuration: Configuration) -> Result
}

/// Every experiment a cell may name, for `trufl-cell`.
public enum Experiments {
    public static let all: [any Experiment.Type] = [ToyExperiment.self, GraphColouringExperiment.self,
                                                   CharacterLanguageModelExperiment.self, MoleculeExperiment.self,
                                                   WordLanguageModelExperiment.self]

    /// Runs the experiment called `name` on a JSON configuration and returns its JSON result.
    public static func run(named name: String, configuration: Data) throws -> Data {
        guard let experiment = all.first(where: { $0.name == name }) else {
            throw CellError("no experiment is called '\(name)' (there are: \(all.map { $0.name }.joined(separator: ", ")))")
        }
        return try runOpened(experiment, configuration)
    }

    /// Writes a result where the cache (``Cells``) reads it.
    public static func store(experiment: String, key: String, configuration: String, result: Data, to file: URL) throws {
        try CellFile.write(experiment: experiment, key: key, configuration: configuration, result: result, to: file)
    }

    private static func runOpened<E: Experiment>(_ experiment: E.Type, _ data: Data) throws -> Data {
        let configuration: E.Configuration
        do { configuration = try CellCoding.decoder.decode(E.Configuration.self, from: data) } catch {
            throw CellError("the configuration is not one of experiment '\(E.name)': \(error)")
        }
        return try CellCoding.encoder.encode(E.run(configuration))
    }
}

/// A cell that could not run or be read, with why.
public struct CellError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The one JSON form of configurations and results: sorted keys (a configuration's bytes are its cache key),
/// infinities and NaN as strings (a validity or a log Z may be −∞), every Double exact (Swift writes the
/// shortest form that reads back to the same bits).
public enum CellCoding {
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }()
    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }()
}

/// Writing a cell's file (the cache's reader is `Cells`, in `Sources/BookCells`).
enum CellFile {
    /// Writes the record atomically: `result` and `configuration` are JSON texts already.
    static func write(experiment: String, key: String, configuration: String, result: Data, to file: URL) throws {
        var text = "{\"configuration\":\(configuration),\"experiment\":\"\(experiment)\",\"key\":\"\(key)\",\"result\":"
        text += String(decoding: result, as: UTF8.self) + "}\n"
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file, options: .atomic)
    }
}

