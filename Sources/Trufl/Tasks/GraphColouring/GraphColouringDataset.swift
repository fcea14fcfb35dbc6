import Foundation

/// Train, validation and test graphs of one size (Section 5.1, Table 1), each split from its own random stream.
/// The graphs follow ``GraphColouringGenerator`` with the given ``ConnectivityRule`` (CatNF's repair by default).
///
/// Example `i` of a split is the first accepted graph of the stream
/// `RandomSource(seed: seed).split("graph colouring").split(size.name).split(split.rawValue).split(i)`, so a split of
/// 200 graphs is the first 200 graphs of a split of 2,000 with the same seed, and the splits never share a stream.
/// The colouring stored with each graph is the exact solver's (colours in order of first use); permute the colours at
/// training time with ``permuteColours(_:using:colourCount:)``.
public struct GraphColouringDataset: Sendable {
    public enum Split: String, Sendable, CaseIterable {
        case train, validation, test
    }

    public let size: GraphSize
    public let connectivity: ConnectivityRule
    public let seed: UInt64
    public let train: [GraphColouringExample]
    public let validation: [GraphColouringExample]
    public let test: [GraphColouringExample]

    /// The dataset with these split sizes: each split loaded from `cache` when a valid file is there, otherwise
    /// generated (and written to `cache`). `cache: nil` always generates and writes nothing.
    public init(
        size: GraphSize, connectivity: ConnectivityRule = .repair, seed: UInt64,
        trainCount: Int, validationCount: Int, testCount: Int,
        cache: GraphColouringCache? = GraphColouringCache()
    ) {
        func make(_ split: Split, _ count: Int) -> [GraphColouringExample] {
            if let cache {
                return cache.loadOrGenerate(size: size, connectivity: connectivity, split: split, seed: seed, count: count)
            }
            return Self.generate(size: size, connectivity: connectivity, split: split, seed: seed, count: count)
        }
        self.size = size
        self.connectivity = connectivity
        self.seed = seed
        train = make(.train, trainCount)
        validation = make(.validation, validationCount)
        test = make(.test, testCount)
    }

    public subscript(split: Split) -> [GraphColouringExample] {
        switch split {
        case .train: train
        case .validation: validation
        case .test: test
        }
    }

    /// The random stream of one split (example `i` uses its `.split(i)`).
    public static func stream(size: GraphSize, split: Split, seed: UInt64) -> RandomSource {
        RandomSource(seed: seed).split("graph colouring").split(size.name).split(split.rawValue)
    }

    /// Generates the first `count` examples of a split (no cache).
    public static func generate(
        size: GraphSize, connectivity: ConnectivityRule = .repair, split: Split, seed: UInt64, count: Int
    ) -> [GraphColouringExample] {
        guard count >= 0 else { fatalError("a split cannot have \(count) examples") }
        let stream = stream(size: size, split: split, seed: seed)
        let generator = GraphColouringGenerator(size: size, connectivity: connectivity)
        return (0..<count).map { index in
            var random = stream.split(index)
            return generator.generate(using: &random).example
        }
    }

    /// One line per split: its graph statistics (see ``GraphStatistics``).
    public func summary() -> String {
        Split.allCases.map { GraphStatistics(self[$0].map(\.graph)).formatted(label: $0.rawValue) }
            .joined(separator: "\n")
    }
}

// MARK: - The cache

/// Where generated splits are kept between runs: one binary file per split, outside git.
///
/// A file is named by everything that determines its contents (size name and node range, connectivity rule, split,
/// seed, count, generator version) and carries the same values in its header, plus a checksum. A file that is missing, cannot be
/// read, fails the checksum or describes another split or version is ignored, and the split is regenerated and
/// rewritten (to a temporary file, then renamed into place, so a reader never sees half a file).
public struct GraphColouringCache: Sendable {
    /// `.build/data/graph-colouring/`, relative to the working directory.
    public static let defaultDirectory = URL(fileURLWithPath: ".build/data/graph-colouring", isDirectory: true)

    public let directory: URL
    /// The generator version written into and required of cache files (tests override it).
    let version: UInt32

    public init(directory: URL = GraphColouringCache.defaultDirectory) {
        self.init(directory: directory, version: GraphColouringGenerator.version)
    }

    init(directory: URL, version: UInt32) {
        self.directory = directory
        self.version = version
    }

    /// The file a split is kept in.
    public func fileURL(size: GraphSize, connectivity: ConnectivityRule = .repair, split: GraphColouringDataset.Split, seed: UInt64, count: Int) -> URL {
        let name = "\(size.name)-n\(size.nodes.lowerBound)-\(size.nodes.upperBound)-\(connectivity.rawValue)-\(split.rawValue)"
            + "-seed\(seed)-count\(count)-v\(version).bin"
        return directory.appendingPathComponent(name)
    }

    /// The cached split, or `nil` when there is no valid file for it.
    public func load(
        size: GraphSize, connectivity: ConnectivityRule = .repair, split: GraphColouringDataset.Split, seed: UInt64, count: Int
    ) -> [GraphColouringExample]? {
        let url = fileURL(size: size, connectivity: connectivity, split: split, seed: seed, count: count)
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? GraphColouringFileFormat.decode(
            [UInt8](data), size: size, connectivity: connectivity, split: split, seed: seed, count: count,
            version: version)
    }

    /// Writes a split atomically (temporary file in the same directory, then rename).
    public func store(
        _ examples: [GraphColouringExample], size: GraphSize, connectivity: ConnectivityRule = .repair, split: GraphColouringDataset.Split, seed: UInt64
    ) throws {
        let url = fileURL(size: size, connectivity: connectivity, split: split, seed: seed, count: examples.count)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let bytes = GraphColouringFileFormat.encode(
            examples, size: size, connectivity: connectivity, split: split, seed: seed, version: version)
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        try Data(bytes).write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "rename failed, errno \(code)"])
        }
    }

    /// The cached split when valid, else a freshly generated one (written to the cache; a failed write only warns).
    public func loadOrGenerate(
        size: GraphSize, connectivity: ConnectivityRule = .repair, split: GraphColouringDataset.Split, seed: UInt64, count: Int
    ) -> [GraphColouringExample] {
        if let examples = load(size: size, connectivity: connectivity, split: split, seed: seed, count: count) {
            return examples
        }
        let examples = GraphColouringDataset.generate(
            size: size, connectivity: connectivity, split: split, seed: seed, count: count)
        do {
            try store(examples, size: size, connectivity: connectivity, split: split, seed: seed)
        } catch {
            FileHandle.standardError.write(Data("warning: cannot cache graph-colouring data in \(directory.path): \(error)\n".utf8))
        }
        return examples
    }
}

// MARK: - The file format

/// The binary format of a cached split, all integers little-endian:
///
///     magic "TRUFLGC\0" · version u32 · seed u64 · nmin u32 · nmax u32 · size name (u16 length + UTF-8)
///     · connectivity rule (u16 length + UTF-8) · split name (u16 length + UTF-8) · count u32
///     · per example: N u16 · E u32 · E × (u u16, v u16) · N × colour u8
///     · FNV-1a 64 of everything before it, u64
enum GraphColouringFileFormat {
    static let magic: [UInt8] = Array("TRUFLGC".utf8) + [0]

    enum DecodingFailure: Error { case truncated, badMagic, headerMismatch, badChecksum, invalidExample, trailingBytes }

    static func encode(
        _ examples: [GraphColouringExample], size: GraphSize, connectivity: ConnectivityRule,
        split: GraphColouringDataset.Split, seed: UInt64, version: UInt32
    ) -> [UInt8] {
        var out = magic
        append(&out, version)
        append(&out, seed)
        append(&out, UInt32(size.nodes.lowerBound))
        append(&out, UInt32(size.nodes.upperBound))
        appendString(&out, size.name)
        appendString(&out, connectivity.rawValue)
        appendString(&out, split.rawValue)
        append(&out, UInt32(examples.count))
        for example in examples {
            let graph = example.graph
            append(&out, UInt16(graph.nodeCount))
            append(&out, UInt32(graph.edgeCount))
            for edge in graph.edges {
                append(&out, UInt16(edge.u))
                append(&out, UInt16(edge.v))
            }
            for colour in example.colouring { out.append(UInt8(colour)) }
        }
        append(&out, fnv1a(out[...]))
        return out
    }

    static func decode(
        _ bytes: [UInt8], size: GraphSize, connectivity: ConnectivityRule, split: GraphColouringDataset.Split,
        seed: UInt64, count: Int, version: UInt32
    ) throws -> [GraphColouringExample] {
        guard bytes.count >= magic.count + 8 else { throw DecodingFailure.truncated }
        let body = bytes[..<(bytes.count - 8)]
        var checksumReader = Reader(bytes: bytes[(bytes.count - 8)...])
        guard try checksumReader.read(UInt64.self) == fnv1a(body) else { throw DecodingFailure.badChecksum }

        var reader = Reader(bytes: body)
        guard try reader.take(magic.count).elementsEqual(magic) else { throw DecodingFailure.badMagic }
        guard try reader.read(UInt32.self) == version,
            try reader.read(UInt64.self) == seed,
            try reader.read(UInt32.self) == UInt32(size.nodes.lowerBound),
            try reader.read(UInt32.self) == UInt32(size.nodes.upperBound),
            try reader.readString() == size.name,
            try reader.readString() == connectivity.rawValue,
            try reader.readString() == split.rawValue,
            try reader.read(UInt32.self) == UInt32(count)
        else { throw DecodingFailure.headerMismatch }

        var examples: [GraphColouringExample] = []
        examples.reserveCapacity(count)
        for _ in 0..<count {
            let nodeCount = Int(try reader.read(UInt16.self))
            let edgeCount = Int(try reader.read(UInt32.self))
            var edges: [(Int, Int)] = []
            edges.reserveCapacity(edgeCount)
            for _ in 0..<edgeCount {
                let u = Int(try reader.read(UInt16.self))
                let v = Int(try reader.read(UInt16.self))
                edges.append((u, v))
            }
            let colouring = try reader.take(nodeCount).map(Int.init)
            guard size.nodes.contains(nodeCount),
                let graph = try? Graph(validatingNodeCount: nodeCount, edges: edges),
                isValidColouring(graph, colouring, colourCount: GraphColouringGenerator.colourCount)
            else { throw DecodingFailure.invalidExample }
            examples.append(GraphColouringExample(graph: graph, colouring: colouring))
        }
        guard reader.isAtEnd else { throw DecodingFailure.trailingBytes }
        return examples
    }

    private static func append<T: FixedWidthInteger>(_ out: inout [UInt8], _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func appendString(_ out: inout [UInt8], _ string: String) {
        let utf8 = Array(string.utf8)
        append(&out, UInt16(utf8.count))
        out.append(contentsOf: utf8)
    }

    static func fnv1a(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }

    private struct Reader {
        let bytes: ArraySlice<UInt8>
        var position: Int

        init(bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            position = bytes.startIndex
        }

        var isAtEnd: Bool { position == bytes.endIndex }

        mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
            guard n >= 0, bytes.endIndex - position >= n else { throw DecodingFailure.truncated }
            defer { position += n }
            return bytes[position..<(position + n)]
        }

        mutating func read<T: FixedWidthInteger>(_: T.Type) throws -> T {
            var value: T = 0
            for (shift, byte) in try take(MemoryLayout<T>.size).enumerated() {
                value |= T(truncatingIfNeeded: byte) << (8 * shift)
            }
            return value
        }

        mutating func readString() throws -> String {
            let length = Int(try read(UInt16.self))
            return String(decoding: try take(length), as: UTF8.self)
        }
    }
}
