import Foundation

/// Why a checkpoint could not be loaded.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case notACheckpoint(path: String)
    case unsupportedVersion(UInt32)
    case truncated(path: String)
    /// The file holds a different set of parameters (another model).
    case differentModel(missing: [String], unexpected: [String])
    case shapeMismatch(name: String, expected: Shape, found: Shape)

    public var description: String {
        switch self {
        case .notACheckpoint(let path): return "\(path) is not a trufl parameter file"
        case .unsupportedVersion(let v): return "unsupported parameter file version \(v)"
        case .truncated(let path): return "\(path) is truncated"
        case let .differentModel(missing, unexpected):
            return "the file belongs to another model: missing \(missing), unexpected \(unexpected)"
        case let .shapeMismatch(name, expected, found):
            return "parameter '\(name)' has shape \(expected) but the file holds \(found)"
        }
    }
}

/// Saving and loading parameters.
///
/// Format (little-endian): magic `TRUFLPRM`, version `UInt32` (1), count `UInt32`; per parameter: name
/// length `UInt32`, UTF-8 name, rank `UInt32`, dimensions `Int64 × rank`, then the `Float32` elements.
/// Writes go to a temporary file in the same directory, renamed over the target (atomic).
public enum Checkpoint {
    static let magic = Array("TRUFLPRM".utf8)

    /// Writes `parameters` to `url` atomically.
    public static func save(_ parameters: [Parameter], to url: URL) throws {
        guard UInt32(1).littleEndian == 1 else { fatalError("Checkpoint assumes a little-endian host") }
        var data = Data(magic)
        func put<T: FixedWidthInteger>(_ x: T) { withUnsafeBytes(of: x.littleEndian) { data.append(contentsOf: $0) } }
        put(UInt32(1))
        put(UInt32(parameters.count))
        for p in parameters {
            let name = Array(p.name.utf8)
            put(UInt32(name.count))
            data.append(contentsOf: name)
            put(UInt32(p.shape.rank))
            for d in p.shape { put(Int64(d)) }
            // Float32 elements, little-endian (the host order on every platform the book runs on).
            p.value.scalars.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        try data.write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path, "errno": code])
        }
    }

    /// Reads `url` into `parameters` (matched by name). Nothing is changed unless every parameter matches.
    public static func load(_ parameters: [Parameter], from url: URL) throws {
        let data = try Data(contentsOf: url)
        let bytes = [UInt8](data)
        var offset = 0
        func take(_ n: Int) throws -> ArraySlice<UInt8> {
            guard offset + n <= bytes.count else { throw CheckpointError.truncated(path: url.path) }
            defer { offset += n }
            return bytes[offset..<(offset + n)]
        }
        func get<T: FixedWidthInteger>(_: T.Type) throws -> T {
            let s = try take(MemoryLayout<T>.size)
            var x: T = 0
            for (i, b) in s.enumerated() { x |= T(b) << (8 * i) }
            return x
        }
        guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
            throw CheckpointError.notACheckpoint(path: url.path)
        }
        offset = magic.count
        let version = try get(UInt32.self)
        guard version == 1 else { throw CheckpointError.unsupportedVersion(version) }
        let count = Int(try get(UInt32.self))
        var stored: [String: Tensor] = [:]
        for _ in 0..<count {
            let nameLength = Int(try get(UInt32.self))
            let name = String(decoding: try take(nameLength), as: UTF8.self)
            let rank = Int(try get(UInt32.self))
            guard rank <= Shape.maxRank else { throw CheckpointError.notACheckpoint(path: url.path) }
            var dims: [Int] = []
            for _ in 0..<rank {
                let d = try get(Int64.self)
                guard d >= 0 && d < Int64(Int32.max) else { throw CheckpointError.notACheckpoint(path: url.path) }
                dims.append(Int(d))
            }
            let shape = Shape(dims)
            let raw = try take(4 * shape.elementCount)
            let values = raw.withUnsafeBytes { b in
                (0..<shape.elementCount).map { Float(bitPattern: UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
            }
            stored[name] = Tensor(shape: shape, scalars: values)
        }
        let names = Set(parameters.map(\.name))
        let missing = names.subtracting(stored.keys).sorted()
        let unexpected = Set(stored.keys).subtracting(names).sorted()
        guard missing.isEmpty && unexpected.isEmpty else {
            throw CheckpointError.differentModel(missing: missing, unexpected: unexpected)
        }
        for p in parameters where stored[p.name]!.shape != p.shape {
            throw CheckpointError.shapeMismatch(name: p.name, expected: p.shape, found: stored[p.name]!.shape)
        }
        for p in parameters { p.value = stored[p.name]! }
    }
}
