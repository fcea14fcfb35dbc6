import Foundation
import Trufl

/// The deterministic start of the training-step rows whose PyTorch side rebuilds a whole model (rows 6 and 9): the
/// model's parameters walked in its own `parameters` order (the optimiser's), each with the bound its values are drawn
/// in, then the i-th overwritten by `hashUniform(shape, seed: firstSeed + i, bound)`. bench/pytorch/common.py's
/// `HashParameters` draws the same values in the same order.
struct HashWalk {
    /// A nil bound keeps the parameter's own start (its seed is skipped, as PyTorch's side skips it).
    private(set) var entries: [(parameter: Parameter, bound: Float?)] = []

    mutating func add(_ parameter: Parameter, bound: Float?) { entries.append((parameter, bound)) }

    /// A linear layer's weight and bias, with its own initialisation's bound 1/√inputs.
    mutating func linear(_ layer: Linear) {
        let bound = inverseSquareRoot(layer.inputs)
        add(layer.weight, bound: bound)
        if let bias = layer.bias { add(bias, bound: bound) }
    }

    /// ``GraphFlowPrior``: per coupling its embedding, graph-attention layers and head; then the elementwise affines
    /// (bound 0.1: non-zero, so that the loss check covers them).
    mutating func graphFlowPrior(_ prior: GraphFlowPrior) {
        for coupling in prior.couplings {
            linear(coupling.embed)
            for attention in coupling.layers {
                linear(attention.project)
                linear(attention.attendSource)
                linear(attention.attendTarget)
                attention.update.layers.forEach { linear($0) }
            }
            linear(coupling.head)
        }
        affines(prior.affines)
    }

    mutating func affines(_ affines: [ElementwiseAffine]) {
        for affine in affines {
            add(affine.logScale, bound: 0.1)
            add(affine.shift, bound: 0.1)
        }
    }

    /// Checks that the walk is `parameters` in order (else `row`'s walk is stale), then draws the values.
    func apply(to parameters: [Parameter], firstSeed: Int, row: String) {
        guard entries.map({ ObjectIdentifier($0.parameter) }) == parameters.map({ ObjectIdentifier($0) }) else {
            fatalError("\(row): the hash walk no longer matches the model's parameters")
        }
        for (i, entry) in entries.enumerated() {
            guard let bound = entry.bound else { continue }
            entry.parameter.value = hashUniform(entry.parameter.value.shape.dimensions, seed: firstSeed + i, bound: bound)
        }
    }
}
