import Foundation

/// Remembers each chapter's last passing run, keyed by the chapter's text, the sources under `Sources/`
/// (the engine, the plotting and the runner), `Package.swift`, the profile and the arithmetic. A chapter whose key and
/// committed figures are unchanged is not run again.
struct RunCache {
    struct Entry: Codable {
        var key: String
        var outputs: [Int: String]
        /// Figure name → FNV-1a hash of the bytes that passed.
        var figures: [String: String]
    }

    let directory: URL
    let sourcesHash: String

    init(root: URL, profile: String, arithmetic: String) {
        directory = root.appendingPathComponent(".build/book-cache/\(profile)/\(arithmetic)")
        var hasher = FNV1a()
        hasher.add(Data(SourcesHash.of(["Sources", "Package.swift"], under: root).utf8))
        hasher.add(Data(profile.utf8))
        hasher.add(Data(arithmetic.utf8))
        sourcesHash = hasher.hex
    }

    func key(for chapter: Chapter) -> String {
        var hasher = FNV1a()
        hasher.add(Data(sourcesHash.utf8))
        hasher.add(Data(chapter.lines.joined(separator: "\n").utf8))
        return hasher.hex
    }

    /// The stored entry when the chapter, sources and committed figures are as they were when it passed.
    func lookup(_ chapter: Chapter, figuresDirectory: URL) -> Entry? {
        let file = directory.appendingPathComponent("\(chapter.name).json")
        guard let data = FileManager.default.contents(atPath: file.path),
              let entry = try? JSONDecoder().decode(Entry.self, from: data),
              entry.key == key(for: chapter) else { return nil }
        for (name, hash) in entry.figures {
            guard let bytes = FileManager.default.contents(atPath: figuresDirectory.appendingPathComponent(name).path),
                  FNV1a.hash(bytes) == hash else { return nil }
        }
        return entry
    }

    func store(_ run: ChapterRun) {
        let entry = Entry(key: key(for: run.chapter), outputs: run.outputs,
                          figures: run.figures.mapValues { FNV1a.hash($0) })
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if let data = try? JSONEncoder().encode(entry) {
            try? data.write(to: directory.appendingPathComponent("\(run.chapter.name).json"), options: .atomic)
        }
    }

    func forget(_ chapter: Chapter) {
        try? FileManager.default.removeItem(at: directory.appendingPathComponent("\(chapter.name).json"))
    }
}

/// 64-bit FNV-1a: a small, stable content hash (not for security).
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func add(_ data: Data) {
        for byte in data { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
    }
    var hex: String { String(value, radix: 16) }
    static func hash(_ data: Data) -> String {
        var hasher = FNV1a()
        hasher.add(data)
        return hasher.hex
    }
}
