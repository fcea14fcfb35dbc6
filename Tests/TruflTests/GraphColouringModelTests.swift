import Foundation
import Testing
@testable import Trufl

@Suite struct GraphColouringModelTests {
    static let size = GraphColouringModelSize(couplings: 2, hidden: 8, graphLayers: 1, mixtures: 2)
    /// A triangle and a 4-cycle with proper colourings.
    static let examples = [
        GraphColouringExample(graph: Graph(nodeCount: 3, edges: [(0, 1), (1, 2), (0, 2)]), colouring: [0, 1, 2]),
        GraphColouringExample(graph: Graph(nodeCount: 4, edges: [(0, 1), (1, 2), (2, 3), (0, 3)]), colouring: [2, 0, 2, 0]),
    ]

    @Test func elboIsPerGraphAndMatchesSeparateGraphs() {
        for kind in ColouringDequantiserKind.allCases {
            var random = RandomSource(seed: 1)
            let model = GraphColouringModel(kind: kind, size: Self.size, random: &random)
            let batch = GraphBatch(examples: Self.examples)
            var a = RandomSource(seed: 2)
            let together = model.elbo(batch, graph: GraphStructure(batch), on: Tape(), using: &a).elbo.value.scalars
            #expect(together.count == 2)
            #expect(together.allSatisfy { $0.isFinite })
            // The uniform noise for the packed batch is the first graph's rows, then the second's.
            var b = RandomSource(seed: 2)
            let first = GraphBatch(examples: [Self.examples[0]]), second = GraphBatch(examples: [Self.examples[1]])
            let one = model.elbo(first, graph: GraphStructure(first), on: Tape(), using: &b).elbo.value.scalars[0]
            let two = model.elbo(second, graph: GraphStructure(second), on: Tape(), using: &b).elbo.value.scalars[0]
            #expect(abs(together[0] - one) < 1e-4 && abs(together[1] - two) < 1e-4, "\(kind): \(together) vs \(one), \(two)")
        }
    }

    @Test func elboWithGivenNoiseIsTheRandomDraw() {
        // The benchmark's fixed-noise ELBO and training's random one are the same function of the same uniforms.
        for kind in ColouringDequantiserKind.allCases {
            var random = RandomSource(seed: 5)
            let model = GraphColouringModel(kind: kind, size: Self.size, random: &random)
            let batch = GraphBatch(examples: Self.examples)
            var a = RandomSource(seed: 6), b = RandomSource(seed: 6)
            let drawn = model.elbo(batch, graph: GraphStructure(batch), on: Tape(), using: &a).elbo.value.scalars
            let noise = Tensor.uniform([batch.nodeCount, kind.dimensions], using: &b)
            let given = model.elbo(batch, graph: GraphStructure(batch), on: Tape(), noise: noise).elbo.value.scalars
            #expect(drawn == given, "\(kind): \(drawn) vs \(given)")
        }
    }

    @Test func elboGradientsAreFinite() {
        var random = RandomSource(seed: 3)
        let model = GraphColouringModel(kind: .trufl, size: Self.size, random: &random)
        let batch = GraphBatch(examples: Self.examples)
        let terms = model.elbo(batch, graph: GraphStructure(batch), on: Tape(), indicator: .soft(temperature: 0.02), using: &random)
        terms.loss(reconstructionWeight: 2, nodes: batch.nodeCount).backward()
        for p in model.parameters { #expect(p.grad.scalars.allSatisfy { $0.isFinite }, "\(p.name)") }
        #expect(model.parameters.gradientNorm > 0)
    }

    @Test func rejectionAcceptsOnlyDrawsInsideTheSupports() {
        var random = RandomSource(seed: 4)
        let model = GraphColouringModel(kind: .trufl, size: Self.size, random: &random)
        let graphs = (0..<20).map { Self.examples[$0 % 2].graph }
        let sampled = model.sampleColourings(graphs, decoding: .rejection(maxAttempts: 200), using: &random)
        #expect(sampled.attempts.allSatisfy { (1...200).contains($0) })
        // Only a graph that used every attempt can be capped; the others stopped at an accepted draw.
        #expect(sampled.capped <= sampled.attempts.filter { $0 == 200 }.count)
        #expect(sampled.capped < graphs.count)
        #expect(sampled.attempts.contains { $0 > 1 }, "the initial windows leave gaps: some draws are rejected")
        let draws = sampled.attempts.reduce(0, +)
        #expect(abs(sampled.rejectionRate - Double(draws - graphs.count + sampled.capped) / Double(draws)) < 1e-12)
        // Acceptance is all nodes of a graph inside the union of the supports.
        let batch = GraphBatch(graphs: graphs)
        let z = model.prior.sample(graph: GraphStructure(batch), using: &random)
        let inside = model.inSupport(z)
        let accepted = model.acceptedGraphs(z, batch: batch)
        for g in graphs.indices {
            let nodes = batch.nodeOffsets[g]..<(batch.nodeOffsets[g] + batch.nodeCounts[g])
            #expect(accepted[g] == nodes.allSatisfy { inside[$0] })
        }
        for colouring in sampled.colourings { #expect(colouring.allSatisfy { (0..<3).contains($0) }) }
        // With a cap of one draw, a rejected graph is reported as capped.
        let once = model.sampleColourings(graphs, decoding: .rejection(maxAttempts: 1), using: &random)
        #expect(once.attempts.allSatisfy { $0 == 1 })
        #expect(once.capped > 0 && abs(once.rejectionRate - Double(once.capped) / 20) < 1e-12)
    }

    @Test func decodingIgnoringTruncationColoursEveryLatent() {
        var random = RandomSource(seed: 5)
        let model = GraphColouringModel(kind: .trufl, size: Self.size, random: &random)
        // Far outside every window, and between them.
        let z = Tensor(shape: [3, 2], scalars: [50, 50, -0.9, 0, 0.9, 0])
        #expect(model.inSupport(z)[0] == false)
        let colours = model.decode(z, ignoringTruncation: true)
        #expect(colours.allSatisfy { (0..<3).contains($0) })
        #expect(model.decode(z, ignoringTruncation: false)[0] == -1)
        // The fallback keeps the hard decoder where z is covered and colours the rest.
        let hard = model.decode(z, ignoringTruncation: false)
        let fallback = model.decode(z, ignoringTruncation: false, fallback: true)
        for n in 0..<3 {
            #expect((0..<3).contains(fallback[n]))
            if hard[n] >= 0 { #expect(fallback[n] == hard[n]) } else { #expect(fallback[n] == colours[n]) }
        }
    }

    @Test func validityCountsMonochromaticEdges() {
        let graphs = Self.examples.map(\.graph)
        #expect(colouringValidity(graphs, [[0, 1, 2], [0, 1, 0, 1]]) == 1)
        #expect(colouringValidity(graphs, [[0, 0, 2], [0, 1, 0, 1]]) == 0.5)
    }

    @Test func importanceSamplingWithOneSampleIsTheELBO() {
        var random = RandomSource(seed: 6)
        let model = GraphColouringModel(kind: .catnf, size: Self.size, random: &random)
        let one = model.bitsPerNode(Self.examples, samples: 1, using: &random)
        #expect(abs(one.elbo - one.importanceSampled) < 1e-9)
        let many = model.bitsPerNode(Self.examples + Self.examples, samples: 64, using: &random)
        #expect(many.importanceSampled < many.elbo)
    }
}

@Suite struct TRUFLFromCatNFTests {
    /// TRUFL started from a trained CatNF is that CatNF with its logistic cut to the central `width` of its mass:
    /// the same prior density, and on every colour's window q(z|k) = CatNF's q(z|k) / width (a truncated density
    /// renormalised in each of the D = 2 latents: a factor width², −∞ outside.
    @Test func startsAsTheCatNFItCameFrom() {
        var random = RandomSource(seed: 11)
        let catnf = GraphColouringModel(kind: .catnf, size: GraphColouringModelSize(couplings: 2, hidden: 8, graphLayers: 1, mixtures: 2),
                                        random: &random)
        let flow = (catnf.dequantiser as! CatNFDequantiser).flow!
        flow.shift.value = Tensor.normal([3, 2], scale: 1, using: &random)
        flow.logScale.value = Tensor.normal([3, 2], scale: 0.5, using: &random)
        let width = 0.9
        let trufl = GraphColouringModel(truflFrom: catnf, size: GraphColouringModelSize(couplings: 2, hidden: 8, graphLayers: 1, mixtures: 2),
                                        initialWidth: width)
        #expect(trufl.kind == .trufl)
        let batch = GraphBatch(examples: GraphColouringModelTests.examples)
        let structure = GraphStructure(batch)
        let z = Tensor.normal([batch.nodeCount, 2], scale: 1.5, using: &random)
        let tape = Tape()
        #expect(trufl.prior.logDensity(tape.constant(z), graph: structure).value.scalars
                == catnf.prior.logDensity(tape.constant(z), graph: structure).value.scalars)
        let truncated = trufl.dequantiser.logDensities(tape.constant(z), indicator: .hard).value.scalars
        let full = catnf.dequantiser.logDensities(tape.constant(z), indicator: .hard).value.scalars
        // Every window is centred with the given width: (F⁻¹(0.05), F⁻¹(0.95)) = ±log 19 for width 0.9.
        for window in (trufl.dequantiser as! TRUFLDequantiser).baseSupports().joined() {
            #expect(abs(window.lower + Foundation.log(19)) < 1e-5 && abs(window.upper - Foundation.log(19)) < 1e-5, "\(window)")
        }
        let logShift = 2 * Foundation.log(width)
        var inside = 0, outside = 0
        for n in 0..<batch.nodeCount {
            for k in 0..<3 {
                let t = truncated[n * 3 + k], c = full[n * 3 + k]
                if t == -.infinity { outside += 1; continue }
                inside += 1
                #expect(abs(Double(t) - (Double(c) - logShift)) < 1e-4, "node \(n) colour \(k): \(t) vs \(c) − 2 log \(width)")
            }
        }
        #expect(inside > 0 && outside > 0, "z should fall inside some windows and outside others (\(inside), \(outside))")
    }
}
