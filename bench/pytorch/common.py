"""What every PyTorch row shares with the engine's side: the shapes (Sources/Bench/Shared.swift), the hash
initialisation, the clock, the MADE masks, the mixture-of-logistics prior and a guarded training step."""
import math
import os
import time
import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

# The clock every row reads: wall time, or the process's CPU time (user + system, all threads), the same
# clock as the engine's CLOCK_PROCESS_CPUTIME_ID. rows.py sets it from --clock.
_clock = time.perf_counter


def use_clock(kind):
    global _clock
    _clock = time.perf_counter if kind == "wall" else time.process_time


def now():
    return _clock()


# --- shared with Sources/Bench/Shared.swift -------------------------------------------------------------
TAPE_CHAIN_LENGTH = 1000
LSTM = dict(sequence=64, batch=32, inputs=32, hidden=256, dimension=3, mixtures=4, made_hidden=128)
DEQUANTISER = dict(categories=50, dimension=8, batch=1024, tokens=64)
# Row 8 (DecoderShapes): the optimal decoder at the word-level scale of Table 4.
DECODER = dict(categories=10_000, dimension=12, tokens=512, temperature=0.02)
TOY_STEP = dict(categories=4, variables=2, dimension=2, mixtures=8, hidden=[64, 64], temperature=0.02, beta=1.0,
                max_gradient_norm=10.0, learning_rate=3e-3)
# Row 6 (ColouringStepShapes): the chapter's quick and full priors; the batch comes from the engine.
COLOURING_STEP = dict(graphs=32, nodes=20, temperature=0.02, beta=2.0, max_gradient_norm=1.0,
                      quick=dict(couplings=4, hidden=32, graph_layers=2, mixtures=4, learning_rate=2e-3),
                      full=dict(couplings=4, hidden=64, graph_layers=3, mixtures=4, learning_rate=1e-3))
# Row 9 (MoleculeStepShapes): chapter 09's full profile; the molecules and marginals come from the engine.
MOLECULE_STEP = dict(atom_dimensions=4, pair_dimensions=2, node_couplings=6, edge_couplings=6, hidden=64, graph_layers=3,
                     mixtures=8, temperature=0.02, beta=2.0, max_gradient_norm=1.0, learning_rate=2e-3)
# The engine's binary, which prints row 6's batch of graphs (set by rows.py's --engine; run.py passes its own).
ENGINE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                      ".build", "release", "trufl-bench")


def hash_uniform(shape, seed, bound):
    """Values in (-bound, bound) from an integer hash of (seed, index): the same integer steps and Float32
    rounding as hashUniform in Shared.swift, so both sides hold identical weights."""
    mask = 0xFFFFFFFF
    n = math.prod(shape)
    x = (torch.arange(n, dtype=torch.int64) + ((seed * 0x9E3779B) & mask)) & mask
    x = (((x >> 16) ^ x) * 0x45D9F3B) & mask
    x = (((x >> 16) ^ x) * 0x45D9F3B) & mask
    x = (x >> 16) ^ x
    u = (x >> 8).to(torch.float32) / 16777216.0
    b = torch.as_tensor(bound, dtype=torch.float32)
    return ((2 * u - 1) * b).reshape(shape).contiguous()


def inverse_square_root(n):
    """1/sqrt(n) rounded to Float32 as the Swift side computes it (1 / Float(n).squareRoot())."""
    return torch.tensor(1.0, dtype=torch.float32) / torch.tensor(float(n), dtype=torch.float32).sqrt()


class HashParameters:
    """A model's parameters in the engine's `parameters` order, the i-th drawn by hash_uniform with seed
    `first_seed + i` (rows 6 and 9: the engine's walk in ColouringStepRow / MoleculeStepRow.initialise)."""

    def __init__(self, first_seed):
        self.first_seed, self.params = first_seed, []

    def add(self, value):
        """A parameter whose start is not hashed (the next seed is skipped, as the engine's walk skips it)."""
        value = value.requires_grad_()
        self.params.append(value)
        return value

    def parameter(self, shape, bound):
        return self.add(hash_uniform(shape, self.first_seed + len(self.params), bound))

    def linear(self, inputs, outputs, bias=True):
        """(weight [inputs, outputs], bias [outputs] or None), both with Linear's bound 1/sqrt(inputs)."""
        bound = inverse_square_root(inputs)
        return (self.parameter([inputs, outputs], bound), self.parameter([outputs], bound) if bias else None)



def made_masks(dimension, hidden, per_dimension, context):
    """MADE's masks (Germain et al. 2015) with the engine's degree convention: input i has degree i + 1;
    hidden unit j has degree j mod D when there is a context; the outputs of dimension d have degree
    d + 1; hidden layers connect degree-in <= degree-out, the output layer degree-in < degree-out.
    Without a context hidden unit j has degree j mod (D - 1) + 1 (0 when D = 1)."""
    sizes = [dimension] + hidden + [dimension * per_dimension]
    degrees = [torch.arange(dimension) + 1]
    for width in hidden:
        if context:
            degrees.append(torch.arange(width) % dimension)
        else:
            degrees.append(torch.arange(width) % (dimension - 1) + 1 if dimension > 1 else torch.zeros(width, dtype=torch.int64))
    degrees.append(torch.arange(dimension * per_dimension) // per_dimension + 1)
    masks = []
    for l in range(len(sizes) - 1):
        din, dout = degrees[l][:, None], degrees[l + 1][None, :]
        last = l == len(sizes) - 2
        masks.append(((dout > din) if last else (dout >= din)).to(torch.float32))
    return masks


def mixture_of_logistics_log_density(z, logits, means, log_scales):
    """log of a mixture of logistics at z (one value per position, the components in the last axis of the
    parameters): log Σ_m softmax(logits)_m · f((z − μ_m) / s_m) / s_m, as the engine's MixtureOfLogistics computes."""
    y = (z[..., None] - means) * (-log_scales).exp()
    components = F.logsigmoid(y) + F.logsigmoid(-y) - log_scales
    return torch.logsumexp(F.log_softmax(logits, dim=-1) + components, dim=-1)


def guarded_step(loss, params, optimiser, max_gradient_norm):
    """Backward, the gradient clipped to `max_gradient_norm`, and the optimiser's step unless the loss or the
    gradient is not finite (the toy's and the character model's training loops); returns (loss, t_backward_end)."""
    loss.backward()
    t2 = now()
    norm = torch.nn.utils.clip_grad_norm_(params, max_gradient_norm)
    value = float(loss.detach())
    if math.isfinite(value) and math.isfinite(float(norm)):
        optimiser.step()
    return value, t2



class UnguardedTrainingStep:
    """The timed training step of rows 6 and 9, whose chapters step without a finiteness guard: the parameters
    restored to their initial values and the gradients zeroed (outside the timing), then `loss()` (forward),
    backward, the gradient norm clipped, Adam's step. Keeps the loss (`check`) and the norm before clipping."""

    def __init__(self, params, learning_rate, max_gradient_norm):
        self.params, self.max_gradient_norm = params, max_gradient_norm
        self.initial = [q.detach().clone() for q in params]
        self.optimiser = torch.optim.Adam(params, lr=learning_rate)
        self.check = None
        self.gradient_norm = None  # until the first step (JSON null, as the engine)

    def __call__(self, loss):
        with torch.no_grad():
            for q, value in zip(self.params, self.initial):
                q.copy_(value)
        self.optimiser.zero_grad(set_to_none=True)
        t0 = now()
        value = loss()
        t1 = now()
        value.backward()
        t2 = now()
        self.gradient_norm = float(torch.nn.utils.clip_grad_norm_(self.params, self.max_gradient_norm))
        self.optimiser.step()
        t3 = now()
        self.check = float(value.detach())
        return {"forward": t1 - t0, "backward": t2 - t1, "step": t3 - t0}


class UnguardedStepRow:
    """What rows 6 and 9 share as rows: `iterate` is one UnguardedTrainingStep (`self.train_step`) of `self.loss`,
    and the check is its loss."""

    @property
    def check(self):
        return self.train_step.check

    def iterate(self):
        return self.train_step(self.loss)
