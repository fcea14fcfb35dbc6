import Foundation

/// Summary statistics of a list of graphs, for printing a dataset's splits.
public struct GraphStatistics: Sendable, Equatable {
    public let graphCount: Int
    public let minNodes: Int
    public let meanNodes: Double
    public let maxNodes: Int
    public let minEdges: Int
    public let meanEdges: Double
    public let maxEdges: Int
    /// The mean over graphs of 2E / (N (N − 1)).
    public let meanDensity: Double
    /// The mean degree over all nodes of all graphs: 2 ΣE / ΣN.
    public let meanDegree: Double

    /// The statistics of `graphs` (all zero for an empty list).
    public init(_ graphs: [Graph]) {
        graphCount = graphs.count
        guard !graphs.isEmpty else {
            (minNodes, meanNodes, maxNodes, minEdges, meanEdges, maxEdges) = (0, 0, 0, 0, 0, 0)
            (meanDensity, meanDegree) = (0, 0)
            return
        }
        let nodes = graphs.map(\.nodeCount)
        let edges = graphs.map(\.edgeCount)
        let totalNodes = nodes.reduce(0, +)
        let totalEdges = edges.reduce(0, +)
        minNodes = nodes.min()!
        maxNodes = nodes.max()!
        meanNodes = Double(totalNodes) / Double(graphs.count)
        minEdges = edges.min()!
        maxEdges = edges.max()!
        meanEdges = Double(totalEdges) / Double(graphs.count)
        meanDensity = graphs.map(\.density).reduce(0, +) / Double(graphs.count)
        meanDegree = totalNodes == 0 ? 0 : 2 * Double(totalEdges) / Double(totalNodes)
    }

    /// One line, e.g.
    /// `train       2000 graphs  nodes 10 / 15.12 / 20  edges 12 / 27.40 / 52  density 0.263  mean degree 3.62`.
    public func formatted(label: String) -> String {
        let paddedLabel = label.count >= 10 ? label : label + String(repeating: " ", count: 10 - label.count)
        return paddedLabel
            + String(format: " %6d graphs", graphCount)
            + String(format: "  nodes %d / %.2f / %d", minNodes, meanNodes, maxNodes)
            + String(format: "  edges %d / %.2f / %d", minEdges, meanEdges, maxEdges)
            + String(format: "  density %.3f  mean degree %.2f", meanDensity, meanDegree)
    }
}
