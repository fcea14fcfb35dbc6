import Testing
@testable import Trufl

@Suite struct GraphPriorTests {
    /// Two graphs packed together: a triangle (nodes 0–2) and a path of two nodes (3–4).
    static let graph: GraphStructure = {
        let edges = [(0, 1), (1, 2), (0, 2), (3, 4)]
        return GraphStructure(nodeCount: 5, graphCount: 2, sources: edges.flatMap { [$0.0, $0.1] },
                              targets: edges.flatMap { [$0.1, $0.0] }, graphOfNode: [0, 0, 0, 1, 1])
    }()

    @Test func attentionGradients() {
        var random = RandomSource(seed: 1)
        let layer = GraphAttention(features: 3, hidden: 4, activation: .tanh, name: "g", random: &random)
        var inputs = Inputs(2)
        let result = checkGradients([inputs.normal([5, 3])], parameters: layer.parameters) { _, x in
            layer(x[0], graph: Self.graph)
        }
        #expect(result.passed, "\(result)")
    }

    @Test func messagesStayInsideTheirGraph() {
        // Changing node 4 (second graph) leaves the first graph's outputs exactly as they were.
        var random = RandomSource(seed: 3)
        let layer = GraphAttention(features: 2, hidden: 4, name: "g", random: &random)
        var inputs = Inputs(4)
        let h = inputs.normal([5, 2])
        var changed = h
        changed.scalars[8] += 1
        let a = layer(Tape().constant(h), graph: Self.graph).value, b = layer(Tape().constant(changed), graph: Self.graph).value
        #expect(Array(a.scalars[0..<6]) == Array(b.scalars[0..<6]))
        #expect(Array(a.scalars[6..<10]) != Array(b.scalars[6..<10]))
    }

    @Test func couplingInverseAndLogDeterminant() {
        var random = RandomSource(seed: 5)
        let prior = GraphFlowPrior(latentsPerNode: 2, couplings: 2, mixtures: 3, hidden: 8, graphLayers: 2, activation: .tanh,
                                   random: &random)
        perturb(prior.parameters, scale: 0.1, seed: 6)
        var inputs = Inputs(7)
        let z = inputs.normal([5, 2])
        for coupling in prior.couplings {
            let (u, _) = coupling.forward(Tape().constant(z), graph: Self.graph)
            let back = coupling.inverse(u.value, graph: Self.graph)
            let error = zip(back.scalars, z.scalars).map { abs($0 - $1) }.max()!
            #expect(error < 2e-4, "max |inverse(forward(z)) − z| = \(error)")
        }
        let gradients = checkGradients([z], parameters: prior.parameters) { _, x in prior.logDensity(x[0], graph: Self.graph) }
        #expect(gradients.passed, "\(gradients)")
    }

    /// A graph of one node has a 2-D density, which a grid can integrate. (tanh networks: with ReLU the
    /// couplings' scales grow with |z| and the tails spread past any grid; see PriorTests.)
    @Test func oneNodeDensityIsNormalised() {
        var random = RandomSource(seed: 8)
        let prior = GraphFlowPrior(latentsPerNode: 2, couplings: 2, mixtures: 3, hidden: 8, graphLayers: 1, activation: .tanh,
                                   random: &random)
        perturb(prior.parameters, scale: 0.1, seed: 9)
        struct OneNode: Prior {
            let prior: GraphFlowPrior
            var dimension: Int { 2 }
            var parameters: [Parameter] { prior.parameters }
            func logDensity(_ z: Var) -> Var {
                // Each row of z is its own one-node graph.
                let rows = z.shape[0]
                let graphs = GraphStructure(nodeCount: rows, graphCount: rows, sources: [], targets: [], graphOfNode: Array(0..<rows))
                return prior.logDensity(z, graph: graphs)
            }
            func sample(count: Int, using random: inout RandomSource) -> Tensor { fatalError("unused") }
        }
        let mass = GridIntegral.integrate(OneNode(prior: prior), x: -60...60, y: -60...60, panels: 120)
        #expect(abs(mass - 1) < 1e-3, "∫ p = \(mass)")
    }
}
