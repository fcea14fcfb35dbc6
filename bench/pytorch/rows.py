"""PyTorch's side of `make bench`: the same rows as Sources/Bench (trufl-bench), written as a PyTorch
user would, CPU, eager mode, float32.

    python rows.py --row lstm-made --repeats 5    one JSON line per sample
    python rows.py --serve                        reads row names from stdin, answers one sample per line

Shapes, initialisation (hash_uniform) and batch match Sources/Bench/Shared.swift and Sources/Bench/Rows.
One file per row family: micro.py (rows 1–2), dequantiser.py (3), toy_step.py (4), lstm_made.py (5),
colouring_step.py (6), charlm_step.py (7), decoder.py (8), molecule_step.py (9); common.py holds what they share,
trufl.py the TRUFL pieces of rows 3, 4, 6 and 9, graph_flow.py the graph flow prior of rows 6 and 9.
Each sample is timed inside the process after a warm-up that calibrates the iteration count.
"""
import argparse
import json
import os
import sys
import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
import torch  # noqa: E402

from common import now, use_clock  # noqa: E402
import common  # noqa: E402
from micro import Sgemm, TapeOp  # noqa: E402
from dequantiser import Dequantiser  # noqa: E402
from decoder import Decoder  # noqa: E402
from toy_step import ToyStep  # noqa: E402
from lstm_made import LSTMMade  # noqa: E402
from colouring_step import ColouringStep  # noqa: E402
from charlm_step import CharacterModelStep  # noqa: E402
from molecule_step import MoleculeStep  # noqa: E402


def make_row(name):
    if name.startswith("sgemm-"):
        return Sgemm(int(name.split("-")[1]))
    if name == "tape-op":
        return TapeOp()
    if name == "dequantiser":
        return Dequantiser()
    if name.startswith("toy-step-"):
        return ToyStep(int(name.split("-")[2]))
    if name == "lstm-made":
        return LSTMMade(unrolled=False)
    if name == "lstm-made-stepwise":  # row 5c: only the engine's side differs from row 5
        return LSTMMade(unrolled=False)
    if name == "lstm-made-unrolled":
        return LSTMMade(unrolled=True)
    if name == "colouring-step":
        return ColouringStep("quick")
    if name == "colouring-step-full":
        return ColouringStep("full")
    if name == "charlm-step":
        return CharacterModelStep()
    if name == "decoder-10k":
        return Decoder(catnf=False)
    if name == "decoder-10k-catnf":
        return Decoder(catnf=True)
    if name == "molecule-step":
        return MoleculeStep()
    return None


def machine():
    return {
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "torch_interop_threads": torch.get_num_interop_threads(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "blas": "MKL" if torch.backends.mkl.is_available() else "other",
        "mkldnn": torch.backends.mkldnn.is_available(),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "(unset)"),
        "allowed_cpus": sorted(os.sched_getaffinity(0)),
    }


class Runner:
    def __init__(self, seconds):
        self.seconds = seconds
        self.rows = {}
        self.iterations = {}

    def sample(self, name):
        out = {"side": "pytorch", "row": name}
        if name not in self.rows:
            row = make_row(name)
            if row is None:
                out["error"] = "unknown row"
                return out
            self.rows[name] = row
        row = self.rows[name]
        out["info"] = row.info
        if name not in self.iterations:
            count, start = 0, now()
            while count < 3 or now() - start < self.seconds / 3:
                row.iterate()
                count += 1
            each = (now() - start) / count
            self.iterations[name] = max(1, min(1_000_000, round(self.seconds / each)))
        n = self.iterations[name]
        totals = {}
        for _ in range(n):
            for phase, t in row.iterate().items():
                totals[phase] = totals.get(phase, 0.0) + t
        out["iterations"] = n
        out["seconds"] = {k: v / n for k, v in totals.items()}
        out["check"] = row.check
        return out


def emit(obj):
    print(json.dumps(obj, sort_keys=True, ensure_ascii=False), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--row")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.3)
    parser.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", "1")))
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    parser.add_argument("--serve", action="store_true")
    parser.add_argument("--machine", action="store_true")
    parser.add_argument("--engine", default=common.ENGINE, help="trufl-bench, which prints row 6's graphs and row 9's molecules")
    args = parser.parse_args()
    common.ENGINE = args.engine
    use_clock(args.clock)
    torch.set_num_threads(args.threads)
    torch.set_grad_enabled(True)
    runner = Runner(args.seconds)
    if args.machine:
        emit({"side": "pytorch", "machine": machine()})
    elif args.serve:
        emit({"side": "pytorch", "ready": True, "machine": machine()})
        for line in sys.stdin:
            name = line.strip()
            if not name:
                continue
            if name == "quit":
                break
            emit(runner.sample(name))
    elif args.row:
        for _ in range(args.repeats):
            emit(runner.sample(args.row))
    else:
        parser.error("give --row NAME, --serve or --machine")


if __name__ == "__main__":
    main()
