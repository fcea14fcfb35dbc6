import Foundation

/// The supports of a TRUFL dequantiser in z: category k's support is the box
/// Π_d (F⁻¹(m − s/2), F⁻¹(m + s/2)) pushed through the scale and shift g(·, k), which keeps it an
/// axis-aligned box. Their union is where Algorithm 2 accepts a latent step z_t.
public struct SupportBoxes: Sendable {
    /// `boxes[k][d]`: category k's interval in dimension d (ends may be ±∞).
    public let boxes: [[ClosedRange<Double>]]

    public init(boxes: [[ClosedRange<Double>]]) { self.boxes = boxes }

    /// The boxes of `q` at its current parameters.
    public init(_ q: TRUFLDequantiser) {
        let ends = q.baseSupports()
        boxes = ends.enumerated().map { k, row in
            row.enumerated().map { d, end in
                guard let flow = q.flow else { return end.lower...end.upper }
                let scale = Foundation.exp(Foundation.tanh(Double(flow.logScale.value.scalars[k * q.dimensions + d])))
                let shift = Double(flow.shift.value.scalars[k * q.dimensions + d])
                return ((end.lower + shift) * scale)...((end.upper + shift) * scale)
            }
        }
    }

    /// D.
    public var dimensions: Int { boxes.first?.count ?? 0 }

    /// Whether one step z_t (D values) lies in some category's box.
    public func contains(_ z: ArraySlice<Float>) -> Bool {
        boxes.contains { box in
            zip(box, z).allSatisfy { range, v in range.contains(Double(v)) }
        }
    }

    /// Whether z_t lies in category k's box.
    public func contains(_ z: ArraySlice<Float>, category k: Int) -> Bool {
        zip(boxes[k], z).allSatisfy { range, v in range.contains(Double(v)) }
    }

    /// The union as a signed sum of boxes (inclusion–exclusion over every non-empty intersection), clipped to
    /// `limit` in every dimension: ∫_union f = Σ sign · ∫_box f, each box integrable with its own edges.
    public func inclusionExclusion(limit: ClosedRange<Double>) -> [(sign: Double, box: [ClosedRange<Double>])] {
        var result: [(Double, [ClosedRange<Double>])] = []
        let k = boxes.count
        for subset in 1..<(1 << k) {
            var box = [ClosedRange<Double>](repeating: limit, count: dimensions)
            var empty = false
            for c in 0..<k where (subset >> c) & 1 == 1 {
                for d in 0..<dimensions {
                    let lower = max(box[d].lowerBound, boxes[c][d].lowerBound)
                    let upper = min(box[d].upperBound, boxes[c][d].upperBound)
                    if lower >= upper { empty = true; break }
                    box[d] = lower...upper
                }
                if empty { break }
            }
            if !empty { result.append((subset.nonzeroBitCount % 2 == 1 ? 1 : -1, box)) }
        }
        return result
    }
}
