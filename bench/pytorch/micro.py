"""Rows 1 and 2: sgemm, and the autodiff overhead of one tiny op."""
import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
import torch  # noqa: E402

from common import now, hash_uniform, TAPE_CHAIN_LENGTH  # noqa: E402


class Sgemm:
    """Row 1: torch.mm of two [n, n] matrices (allocating the result, as the engine does); one iteration
    times `reps` products together (about 50 MFLOP), as the engine does."""

    def __init__(self, n):
        self.n = n
        self.reps = max(1, 50_000_000 // (2 * n**3))
        self.a = hash_uniform([n, n], 1, 1.0)
        self.b = hash_uniform([n, n], 2, 1.0)
        self.check = 0.0
        self.info = {"shape": f"[{n},{n}]·[{n},{n}]", "flop": 2 * n**3}

    def iterate(self):
        with torch.no_grad():
            t0 = now()
            for _ in range(self.reps):
                c = torch.mm(self.a, self.b)  # eager: never elided, so nothing needs reading per product
            t1 = now()
        self.check = float(c[0, 0])
        return {"matmul": (t1 - t0) / self.reps}


class TapeOp:
    """Row 2: autograd's per-op overhead: y <- y * w, TAPE_CHAIN_LENGTH times on [4] tensors, sum, backward."""

    def __init__(self):
        self.x = torch.full([4], 0.5)
        self.w = torch.full([4], 1.0001, requires_grad=True)
        self.check = 0.0
        self.info = {"ops": TAPE_CHAIN_LENGTH, "shape": "[4]", "per": "op"}

    def iterate(self):
        w = self.w
        w.grad = None
        t0 = now()
        y = self.x
        for _ in range(TAPE_CHAIN_LENGTH):
            y = y * w
        loss = y.sum()
        t1 = now()
        loss.backward()
        t2 = now()
        self.check = float(w.grad[0])
        n = TAPE_CHAIN_LENGTH
        return {"forward": (t1 - t0) / n, "backward": (t2 - t1) / n}
