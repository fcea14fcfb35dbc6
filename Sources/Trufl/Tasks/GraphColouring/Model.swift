import Foundation

/// The three dequantisers Table 1 compares, on the node colours (K = 3).
public enum ColouringDequantiserKind: String, Sendable, CaseIterable, Codable {
    /// Truncated logistic windows plus a colour-conditional scale and shift, D = 2 per node (Table 6).
    case trufl
    /// The untruncated logistic plus the same flow, D = 2.
    case catnf
    /// Argmax flow, threshold form: D = K = 3 per node.
    case argmax

    /// The latent dimensions per node.
    public var dimensions: Int { self == .argmax ? 3 : 2 }
}

/// Sizes of the graph prior (CatNF's: 8 blocks, hidden 384, 4 graph layers, 16 mixtures; far smaller here).
public struct GraphColouringModelSize: Sendable, Codable {
    public var couplings: Int
    public var hidden: Int
    public var graphLayers: Int
    public var mixtures: Int

    public init(couplings: Int, hidden: Int, graphLayers: Int, mixtures: Int) {
        self.couplings = couplings
        self.hidden = hidden
        self.graphLayers = graphLayers
        self.mixtures = mixtures
    }
}

/// The ELBO of Eq. 3 for a batch of graphs, split per graph `[graphs]` (nodes of many graphs are packed into one
/// `[nodes, D]` latent, so the flat-batch ``evidenceLowerBound`` does not apply).
public struct GraphELBOTerms {
    /// Σ_nodes log p(x_v|z_v) per graph.
    public let reconstruction: Var
    /// log p(z|graph) − Σ_nodes log q(z_v|x_v) per graph.
    public let priorMinusPosterior: Var
    public var elbo: Var { reconstruction + priorMinusPosterior }

    /// −(β·reconstruction + prior − posterior), summed over graphs and divided by the batch's node count
    /// (nats per node, the unit of bpd before ln 2).
    public func loss(reconstructionWeight beta: Float = 1, nodes: Int) -> Var {
        -((reconstruction * beta + priorMinusPosterior).sum() * (1 / Float(nodes)))
    }
}

/// A dequantiser on the node colours and a graph-conditioned flow prior over the nodes' latents (Section 5.1).
///
/// The category marginal of Eq. 2 is uniform: colours are permuted at random for every training example, so each
/// colour has probability exactly 1/3 under the training distribution.
public final class GraphColouringModel {
    public let kind: ColouringDequantiserKind
    public let dequantiser: any Dequantiser
    public let prior: GraphFlowPrior
    public let marginal = EmpiricalMarginal.uniform(3)

    /// A fresh model. Initial dequantisers are not symmetric in the colours (a symmetric start gives every colour the
    /// same gradient): TRUFL's windows start at centres m = (0.2, 0.5, 0.8) in the first dimension and 0.5 in the
    /// second, s̃ = 0 (widths 0.2, 0.5, 0.2); CatNF's shifts start at the corners of a triangle of radius 1;
    /// Argmax's flow starts at the identity (its supports are disjoint by construction).
    /// `catNFBaseScale`: CatNF's base logistic scale (``CatNFDequantiser/baseScale``; CatNF's code: 1/1.81).
    public init(kind: ColouringDequantiserKind, size: GraphColouringModelSize, catNFBaseScale: Float = 1,
                random: inout RandomSource) {
        self.kind = kind
        let d = kind.dimensions
        switch kind {
        case .trufl:
            let q = TRUFLDequantiser(categories: 3, dimensions: 2, name: "trufl")
            let centres: [Float] = [0.2, 0.5, 0.8]
            q.mTilde.value = Tensor(shape: [3, 2], scalars: centres.flatMap { [Float(Foundation.log(Double($0 / (1 - $0)))), 0] })
            dequantiser = q
        case .catnf:
            let q = CatNFDequantiser(categories: 3, dimensions: 2, baseScale: catNFBaseScale, name: "catnf")
            q.flow!.shift.value = Tensor(shape: [3, 2], scalars: (0..<3).flatMap { k -> [Float] in
                let angle = 2 * Double.pi * Double(k) / 3
                return [Float(Foundation.cos(angle)), Float(Foundation.sin(angle))]
            })
            dequantiser = q
        case .argmax:
            dequantiser = ArgmaxDequantiser(categories: 3, encoding: .threshold, name: "argmax")
        }
        prior = GraphFlowPrior(latentsPerNode: d, couplings: size.couplings, mixtures: size.mixtures, hidden: size.hidden,
                               graphLayers: size.graphLayers, random: &random)
    }

    public var parameters: [Parameter] { dequantiser.parameters + prior.parameters }

    /// Eq. 3 per graph with one draw z ~ q(z|x) per node; `indicator` soft only for training TRUFL.
    public func elbo(_ batch: GraphBatch, graph: GraphStructure, on tape: Tape, indicator: SupportIndicator = .hard,
                     using random: inout RandomSource) -> GraphELBOTerms {
        // The same draw as Dequantiser.sample(_:on:using:) makes, so the random stream is unchanged.
        elbo(batch, graph: graph, on: tape, indicator: indicator,
             noise: Tensor.uniform([batch.nodeCount, dequantiser.dimensions], using: &random))
    }

    /// Eq. 3 per graph with the dequantiser's draw driven by `noise`, uniform u₀ ∈ (0, 1) of shape `[nodes, D]`:
    /// with fixed noise the loss is a deterministic function of the parameters (the benchmark's training step).
    public func elbo(_ batch: GraphBatch, graph: GraphStructure, on tape: Tape, indicator: SupportIndicator = .hard,
                     noise: Tensor) -> GraphELBOTerms {
        let colours = batch.colours.map(Int.init)
        guard colours.count == batch.nodeCount else { fatalError("GraphColouringModel.elbo: the batch has no colours") }
        let draw = dequantiser.sample(colours, noise: noise, on: tape)
        let logLikelihood = dequantiser.logLikelihood(of: colours, given: draw.z, marginal: marginal,
                                                      indicator: indicator, ownLogDensity: draw.logDensity)
        let n = batch.nodeCount, g = batch.graphCount
        func perGraph(_ v: Var) -> Var {
            v.reshaped([n, 1]).scatterAdd(rows: graph.graphOfNode, count: g).reshaped([g])
        }
        let logPrior = prior.logDensity(draw.z, graph: graph)
        return GraphELBOTerms(reconstruction: perGraph(logLikelihood),
                              priorMinusPosterior: logPrior - perGraph(draw.logDensity))
    }
}

extension GraphColouringModel {
    /// TRUFL started from a trained CatNF with σ_base = 1 (``CatNFDequantiser/baseScale``): the same prior, the same
    /// colour-conditional scale and shift, and every window centred (m = 1/2) and `initialWidth` wide in CDF units, so
    /// that TRUFL starts as CatNF with the outer `1 − initialWidth` of the logistic's mass cut off in each latent (inside,
    /// its density is CatNF's divided by initialWidth^D), and training then shrinks the windows. (σ_base = 1/1.81 has no such start: TRUFL's flow cannot absorb the factor, its scale is
    /// exp(tanh(a)) ≥ 1/e.)
    public convenience init(truflFrom catnf: GraphColouringModel, size: GraphColouringModelSize,
                            initialWidth: Double = 0.99) {
        guard catnf.kind == .catnf, let source = catnf.dequantiser as? CatNFDequantiser, source.baseScale == 1,
              let sourceFlow = source.flow else {
            fatalError("GraphColouringModel(truflFrom:): the source must be CatNF with base scale 1 and its flow")
        }
        guard initialWidth > 0, initialWidth < 1 else { fatalError("GraphColouringModel(truflFrom:): width \(initialWidth) must lie in (0, 1)") }
        var unused = RandomSource(seed: 0)  // every parameter is overwritten below
        self.init(kind: .trufl, size: size, random: &unused)
        let q = dequantiser as! TRUFLDequantiser
        // Eq. 5 with m = 1/2: s = σ(s̃), so s̃ = logit(width).
        q.mTilde.value = .zeros([3, 2])
        q.sTilde.value = Tensor(shape: [3, 2], scalars: [Float](repeating: Float(Foundation.log(initialWidth / (1 - initialWidth))), count: 6))
        q.flow!.shift.value = sourceFlow.shift.value
        q.flow!.logScale.value = sourceFlow.logScale.value
        guard prior.parameters.count == catnf.prior.parameters.count else { fatalError("GraphColouringModel(truflFrom:): the priors differ in size") }
        for (mine, theirs) in zip(prior.parameters, catnf.prior.parameters) {
            guard mine.value.shape == theirs.value.shape else { fatalError("GraphColouringModel(truflFrom:): prior shapes differ (\(mine.name))") }
            mine.value = theirs.value
        }
    }
}
