/// A uniformly random permutation of `0 ..< colourCount` (Fisher–Yates, drawn from `random`).
public func randomColourPermutation(colourCount: Int = 3, using random: inout RandomSource) -> [Int] {
    var permutation = Array(0..<colourCount)
    for i in stride(from: colourCount - 1, to: 0, by: -1) {
        permutation.swapAt(i, random.int(below: i + 1))
    }
    return permutation
}

/// `colouring` with its colours renamed by a uniformly random permutation of `0 ..< colourCount`: colour `c` becomes
/// `permutation[c]`. The three colours are symmetric, so each training example is shown with fresh colour names.
public func permuteColours(_ colouring: [Int], using random: inout RandomSource, colourCount: Int = 3) -> [Int] {
    let permutation = randomColourPermutation(colourCount: colourCount, using: &random)
    return colouring.map { permutation[$0] }
}

extension GraphColouringExample {
    /// This example with its colours permuted at random (see ``permuteColours(_:using:colourCount:)``).
    public func withPermutedColours(using random: inout RandomSource) -> GraphColouringExample {
        GraphColouringExample(
            graph: graph, colouring: permuteColours(colouring, using: &random, colourCount: GraphColouringGenerator.colourCount))
    }
}
