/// A seeded split of a molecule set into training and validation molecules: a uniform random permutation (Fisher–
/// Yates on the stream "molecule split" of the seed), the first `validationCount` for validation, the rest for
/// training, each part in the file's order. The 5,000 molecules are already a random sample of ZINC250k.
public struct MoleculeSplit: Sendable {
    public let training: [Int]
    public let validation: [Int]

    public init(count: Int, validationCount: Int, seed: UInt64) {
        guard validationCount >= 0, validationCount < count else {
            fatalError("MoleculeSplit: \(validationCount) validation molecules out of \(count)")
        }
        var random = RandomSource(seed: seed).split("molecule split")
        var order = Array(0 ..< count)
        for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, random.int(below: i + 1)) }
        validation = order[..<validationCount].sorted()
        training = order[validationCount...].sorted()
    }
}
