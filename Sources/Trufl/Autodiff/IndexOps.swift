/// Integer indexing on the tape: embedding lookups, graph message sums, picking observed categories.
extension Var {
    /// Rows (dimension 0) picked by `indices`: `[V, …] → [indices.count, …]`. Gradients of repeated
    /// indices add up.
    public func gather(rows indices: [Int]) -> Var {
        tape.record(value.gather(rows: indices), .gatherRows(index, indices), needsGrad: requiresGradient)
    }

    /// Row `r` summed into row `indices[r]` of a `[count, …]` result (messages summed into receiving nodes).
    public func scatterAdd(rows indices: [Int], count: Int) -> Var {
        tape.record(value.scatterAdd(rows: indices, count: count), .scatterAddRows(index, indices),
                    needsGrad: requiresGradient)
    }

    /// `[…, K] → […]`: at each leading position, the entry `indices[position]` of the last axis.
    public func gather(lastAxis indices: [Int]) -> Var {
        tape.record(value.gather(lastAxis: indices), .gatherLast(index, indices), needsGrad: requiresGradient)
    }
}
