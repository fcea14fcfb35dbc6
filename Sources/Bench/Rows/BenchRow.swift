import Foundation
import Trufl

/// One benchmark row. `iterate()` runs one iteration and returns the seconds spent in each named phase
/// (measured inside, so set-up such as zeroing gradients is not counted). Mirrored by bench/pytorch/ (one file per row family; rows.py serves them).
protocol BenchRow: AnyObject {
    /// Shapes and settings, reported with every sample.
    var info: [String: Any] { get }
    func iterate() -> [String: Double]
    /// A value computed by the last iteration (e.g. the loss), compared with PyTorch's as a sanity check.
    var check: Double { get }
}

/// Every row, by name, in table order.
let rowNames = ["sgemm-64", "sgemm-256", "sgemm-1024", "tape-op", "dequantiser", "toy-step-128", "toy-step-1024", "lstm-made",
                "lstm-made-unrolled", "lstm-made-stepwise", "colouring-step", "colouring-step-full",
                "charlm-step", "decoder-10k", "decoder-10k-catnf", "molecule-step"]

func makeRow(_ name: String) -> BenchRow? {
    switch name {
    case "sgemm-64": return SgemmRow(n: 64)
    case "sgemm-256": return SgemmRow(n: 256)
    case "sgemm-1024": return SgemmRow(n: 1024)
    case "tape-op": return TapeOpRow()
    case "dequantiser": return DequantiserRow()
    case "toy-step-128": return ToyStepRow(batch: 128)
    case "toy-step-1024": return ToyStepRow(batch: 1024)
    case "lstm-made": return LSTMMadeRow()
    // Row 5b: the engine runs the same model; only PyTorch's side differs (its LSTM unrolled in Python).
    case "lstm-made-unrolled": return LSTMMadeRow()
    // Row 5c (diagnostic): the engine's LSTM driven step by step; PyTorch's side is torch.nn.LSTM as in row 5.
    case "lstm-made-stepwise": return LSTMMadeRow(stepwise: true)
    case "colouring-step": return ColouringStepRow(full: false)
    case "colouring-step-full": return ColouringStepRow(full: true)
    case "charlm-step": return CharacterModelStepRow()
    case "decoder-10k": return DecoderRow(catNF: false)
    case "decoder-10k-catnf": return DecoderRow(catNF: true)
    case "molecule-step": return MoleculeStepRow()
    default: return nil
    }
}
