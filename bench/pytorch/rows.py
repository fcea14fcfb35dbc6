"""PyTorch's side of `make bench`: the same rows as Sources/Bench (trufl-bench), written as a PyTorch
user would, CPU, eager mode, float32.

    python rows.py --row lstm-made --repeats 5    one JSON line per sample
    python rows.py --serve                        reads row names from stdin, answers one sample per line

Shapes, initialisation (hash_uniform) and batch match Sources/Bench/Shared.swift and Rows.swift.
Each sample is timed inside the process after a warm-up that calibrates the iteration count.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time
import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

# The clock every row reads: wall time, or the process's CPU time (user + system, all threads) with
# --clock cpu, the same clock as the engine's CLOCK_PROCESS_CPUTIME_ID.
now = time.perf_counter

# --- shared with Sources/Bench/Shared.swift -------------------------------------------------------------
TAPE_CHAIN_LENGTH = 1000
LSTM = dict(sequence=64, batch=32, inputs=32, hidden=256, dimension=3, mixtures=4, made_hidden=128)
DEQUANTISER = dict(categories=50, dimension=8, batch=1024, tokens=64)
TOY_STEP = dict(categories=4, variables=2, dimension=2, mixtures=8, hidden=[64, 64], temperature=0.02, beta=1.0,
                max_gradient_norm=10.0, learning_rate=3e-3)
# Row 6 (ColouringStepShapes): the chapter's quick and full priors; the batch comes from the engine.
COLOURING_STEP = dict(graphs=32, nodes=20, temperature=0.02, beta=2.0, max_gradient_norm=1.0,
                      quick=dict(couplings=4, hidden=32, graph_layers=2, mixtures=4, learning_rate=2e-3),
                      full=dict(couplings=4, hidden=64, graph_layers=3, mixtures=4, learning_rate=1e-3))
# The engine's binary, which prints row 6's batch of graphs (set by --engine; run.py passes its own).
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


# --- rows ------------------------------------------------------------------------------------------------
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


class LSTMMade:
    """Row 5: LSTM [time, batch, inputs] -> every hidden output conditions a MADE head giving a mixture of
    logistics per latent dimension; loss = negative mean log-likelihood of fixed targets.

    unrolled=False uses torch.nn.LSTM (PyTorch's fused C++ loop: what a PyTorch user writes);
    unrolled=True writes the cell step by step in Python with the engine's op sequence (x·W once, then per
    step h·U + b, slices, sigmoids, tanh), i.e. the same graph the engine records."""

    def __init__(self, unrolled=False):
        s = LSTM
        self.unrolled = unrolled
        T, B, I, H = s["sequence"], s["batch"], s["inputs"], s["hidden"]
        D, K, MH = s["dimension"], s["mixtures"], s["made_hidden"]
        h = inverse_square_root(H)
        # The engine's layout: W_x [I, 4H], W_h [H, 4H], gates (input, forget, cell, output), one bias.
        w_x = hash_uniform([I, 4 * H], 1, h)
        w_h = hash_uniform([H, 4 * H], 2, h)
        bias = hash_uniform([4 * H], 3, h)
        if unrolled:
            self.w_x, self.w_h, self.b = (p.clone().requires_grad_() for p in (w_x, w_h, bias))
            self.lstm_params = [self.w_x, self.w_h, self.b]
        else:
            self.lstm = torch.nn.LSTM(I, H)  # same gate order (i, f, g, o); weights stored transposed
            with torch.no_grad():
                self.lstm.weight_ih_l0.copy_(w_x.t())
                self.lstm.weight_hh_l0.copy_(w_h.t())
                self.lstm.bias_ih_l0.copy_(bias)
                self.lstm.bias_hh_l0.zero_()  # the engine has one bias; PyTorch adds two
            self.lstm_params = list(self.lstm.parameters())
        out = D * 3 * K
        self.w0 = hash_uniform([D, MH], 4, inverse_square_root(D)).requires_grad_()
        self.b0 = hash_uniform([MH], 5, inverse_square_root(D)).requires_grad_()
        self.w1 = hash_uniform([MH, out], 6, inverse_square_root(MH)).requires_grad_()
        self.b1 = hash_uniform([out], 7, inverse_square_root(MH)).requires_grad_()
        self.wc = hash_uniform([H, MH], 8, h).requires_grad_()
        self.masks = made_masks(D, [MH], 3 * K, context=True)
        self.input = hash_uniform([T, B, I], 9, 1.0)
        self.targets = hash_uniform([T * B, D], 10, 3.0)
        self.params = self.lstm_params + [self.w0, self.b0, self.w1, self.b1, self.wc]
        self.check = 0.0
        self.info = {
            "lstm": f"sequence {T}, batch {B}, inputs {I}, hidden {H}",
            "made": f"D {D}, hidden [{MH}], {K} logistics, context {H}",
            "parameters": sum(p.numel() for p in self.params) - (0 if unrolled else 4 * H),
            "lstm_impl": "unrolled cell loop" if unrolled else "torch.nn.LSTM",
        }

    def run_lstm(self):
        if not self.unrolled:
            return self.lstm(self.input)[0]
        T, B, H = LSTM["sequence"], LSTM["batch"], LSTM["hidden"]
        projected = self.input @ self.w_x
        hidden = cell = torch.zeros(B, H)
        outputs = []
        for t in range(T):
            z = projected[t] + hidden @ self.w_h + self.b
            i = z[:, 0:H].sigmoid()
            f = z[:, H:2 * H].sigmoid()
            g = z[:, 2 * H:3 * H].tanh()
            o = z[:, 3 * H:4 * H].sigmoid()
            cell = f * cell + i * g
            hidden = o * cell.tanh()
            outputs.append(hidden.reshape(1, B, H))
        return torch.cat(outputs, 0)

    def iterate(self):
        for p in self.params:
            p.grad = None
        s = LSTM
        n, D, K, H = s["sequence"] * s["batch"], s["dimension"], s["mixtures"], s["hidden"]
        t0 = now()
        context = self.run_lstm().reshape(n, H)
        x = self.targets
        hid = (x @ (self.w0 * self.masks[0]) + self.b0 + context @ self.wc).relu()
        p = (hid @ (self.w1 * self.masks[1]) + self.b1).reshape(n, D, 3 * K)
        logits, means, log_scales = p[:, :, :K], p[:, :, K:2 * K], p[:, :, 2 * K:]
        minus_z = (means - x.reshape(n, D, 1)) * (-log_scales).exp()
        log_density = minus_z - F.softplus(minus_z) * 2 - log_scales
        loss = -torch.logsumexp(log_density + F.log_softmax(logits, dim=2), dim=2).mean()
        t1 = now()
        loss.backward()
        t2 = now()
        self.check = float(loss.detach())
        return {"forward": t1 - t0, "backward": t2 - t1, "forward+backward": t2 - t0}


class Dequantiser:
    """Row 3: the TRUFL dequantiser with the optimal decoder (Eq. 2), K = 50, D = 8, 1024 x 64 tokens, as a
    PyTorch user would write it: reparameterised truncated-logistic sample (Eq. 5-6), category-conditional
    scale and shift, log q(z|k) for every k with the soft support indicator (tau = 0.02), and the loss
    E[log q(z|x) - log p(x|z)]; forward and backward. Same formulas and weights as DequantiserRow."""

    def __init__(self):
        d = DEQUANTISER
        k, dim, n = d["categories"], d["dimension"], d["batch"] * d["tokens"]
        self.m_tilde = hash_uniform([k, dim], 31, 1.5).requires_grad_()
        self.s_tilde = hash_uniform([k, dim], 32, 1.0).requires_grad_()
        self.shift = hash_uniform([k, dim], 33, 0.5).requires_grad_()
        self.log_scale = hash_uniform([k, dim], 34, 0.5).requires_grad_()
        self.params = [self.m_tilde, self.s_tilde, self.shift, self.log_scale]
        self.x = ((hash_uniform([n], 35, 1.0) + 1) / 2 * k).long().clamp(max=k - 1)
        self.noise = (hash_uniform([n, dim], 36, 1.0) + 1) / 2 + 2.0**-25
        self.log_marginal = torch.full([k], -math.log(k))
        self.info = {"K": k, "D": dim, "tokens": f"{d['batch']} × {d['tokens']}", "decoder": "optimal, soft τ = 0.02"}
        self.check = None

    def iterate(self):
        for p in self.params:
            p.grad = None
        t0 = now()
        mt, st = self.m_tilde, self.s_tilde
        log_width = torch.minimum(F.logsigmoid(mt), F.logsigmoid(-mt)) + F.logsigmoid(st) + math.log(2.0)
        a, b = torch.tanh(self.log_scale), self.shift
        # Sample (Eq. 6) and push through the category's scale and shift.
        m_x, w_x = torch.sigmoid(mt[self.x]), log_width[self.x].exp()
        u = m_x + (self.noise - 0.5) * w_x
        z_prime = torch.log(u) - torch.log1p(-u)
        log_q_own = (F.logsigmoid(z_prime) + F.logsigmoid(-z_prime) - log_width[self.x]).sum(-1) - a[self.x].sum(-1)
        z = (z_prime + b[self.x]) * a[self.x].exp()
        # log q(z|k) for every k, softened at the support edges.
        z_all = z[:, None, :] * (-a).exp() - b
        inside = (F.logsigmoid(z_all) + F.logsigmoid(-z_all) - log_width).sum(-1) - a.sum(-1)
        lower_half = mt <= 0
        distance = torch.where(lower_half, torch.sigmoid(z_all) - torch.sigmoid(mt),
                               torch.sigmoid(-z_all) - torch.sigmoid(-mt)).abs()
        half_width = torch.where(lower_half, torch.sigmoid(mt), torch.sigmoid(-mt)) * torch.sigmoid(st)
        log_q = inside + F.logsigmoid((half_width - distance) / 0.02).sum(-1)
        log_joint = log_q + self.log_marginal
        log_posterior = log_joint - torch.logsumexp(log_joint, dim=-1, keepdim=True)
        reconstruction = log_posterior.gather(1, self.x[:, None])[:, 0]
        loss = (log_q_own - reconstruction).mean()
        t1 = now()
        loss.backward()
        t2 = now()
        self.check = float(loss.detach())
        return {"forward": t1 - t0, "backward": t2 - t1, "forward+backward": t2 - t0}


class ToyStep:
    """Row 4: one training step of chapter 05's toy model with TRUFL (TOY_STEP), as ToyStepRow: the ELBO with
    one reparameterised draw per position and the soft decoder (tau = 0.02), beta = 1, backward, Adam (3e-3)
    after clipping the gradient norm to 10, skipped if the loss or the norm is not finite. Same fixed batch,
    noise and initial weights as the engine; each iteration restores the initial weights outside the timing."""

    def __init__(self, batch):
        c = TOY_STEP
        K, T, D, M = c["categories"], c["variables"], c["dimension"], c["mixtures"]
        N = T * D
        self.batch = batch
        log_three = torch.tensor(math.log(3.0), dtype=torch.float32)
        self.m_tilde = torch.stack([log_three if ((i // D) >> (i % D)) & 1 else -log_three
                                    for i in range(K * D)]).reshape(K, D).requires_grad_()
        self.s_tilde = torch.zeros(K, D, requires_grad=True)
        sizes = [N] + c["hidden"] + [N * 3 * M]
        self.weights, self.biases = [], []
        for l in range(len(sizes) - 1):
            bound = inverse_square_root(sizes[l])
            self.weights.append(hash_uniform([sizes[l], sizes[l + 1]], 41 + 2 * l, bound).requires_grad_())
            self.biases.append(hash_uniform([sizes[l + 1]], 42 + 2 * l, bound).requires_grad_())
        self.masks = made_masks(N, c["hidden"], 3 * M, context=False)
        self.x = ((hash_uniform([batch * T], 47, 1.0) + 1) / 2 * K).long().clamp(max=K - 1)
        self.noise = (hash_uniform([batch * T, D], 48, 1.0) + 1) / 2 + 2.0**-25
        counts = torch.bincount(self.x, minlength=K).double()
        self.log_marginal = (counts / counts.sum()).log().float()
        self.inverse_temperature = 1 / torch.tensor(c["temperature"], dtype=torch.float32)
        self.params = [self.m_tilde, self.s_tilde] + [p for wb in zip(self.weights, self.biases) for p in wb]
        self.initial = [p.detach().clone() for p in self.params]
        self.optimiser = torch.optim.Adam(self.params, lr=c["learning_rate"])
        self.check = None
        self.info = {"batch": batch, "x": f"[{batch}, {T}], K {K}", "dequantiser": f"TRUFL, D {D}, no flow, soft τ = {c['temperature']}",
                     "prior": f"MADE over {N} latents, hidden {c['hidden']} ReLU, {M} logistics",
                     "optimiser": "Adam 3e-3, clip 10", "parameters": sum(p.numel() for p in self.params)}

    @staticmethod
    def log_width(mt, st):
        return torch.minimum(F.logsigmoid(mt), F.logsigmoid(-mt)) + F.logsigmoid(st) + math.log(2.0)

    def iterate(self):
        c = TOY_STEP
        B, T, M = self.batch, c["variables"], c["mixtures"]
        with torch.no_grad():
            for p, value in zip(self.params, self.initial):
                p.copy_(value)
        self.optimiser.zero_grad(set_to_none=True)
        t0 = now()
        mt, st, x = self.m_tilde, self.s_tilde, self.x
        # Dequantise: the truncated-logistic draw (Eq. 6) and its log density (Eq. 7); no flow.
        log_width = self.log_width(mt, st)
        u = torch.sigmoid(mt[x]) + (self.noise - 0.5) * log_width[x].exp()
        z = torch.log(u) - torch.log1p(-u)
        log_q_own = (F.logsigmoid(z) + F.logsigmoid(-z) - log_width[x]).sum(-1)
        # The optimal decoder (Eq. 2) with the soft indicator: log q(z|k) for every k.
        z_all = z[:, None, :]
        inside = (F.logsigmoid(z_all) + F.logsigmoid(-z_all) - log_width).sum(-1)
        lower_half = mt <= 0
        distance = torch.where(lower_half, torch.sigmoid(z_all) - torch.sigmoid(mt),
                               torch.sigmoid(-z_all) - torch.sigmoid(-mt)).abs()
        half_width = torch.where(lower_half, torch.sigmoid(mt), torch.sigmoid(-mt)) * torch.sigmoid(st)
        log_q = inside + F.logsigmoid((half_width - distance) * self.inverse_temperature).sum(-1)
        log_joint = log_q + self.log_marginal
        log_posterior = log_joint - torch.logsumexp(log_joint, dim=-1, keepdim=True)
        reconstruction = log_posterior.gather(1, x[:, None]).reshape(B, T).sum(1)
        # The prior: MADE -> a mixture of logistics per latent.
        zz = z.reshape(B, -1)
        h = zz
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            h = h @ (w * self.masks[l]) + b
            if l < len(self.weights) - 1:
                h = h.relu()
        out = h.reshape(B, zz.shape[1], 3 * M)
        logits, means, log_scales = out[..., :M], out[..., M:2 * M], out[..., 2 * M:].clamp(-7, 5)
        y = (zz[..., None] - means) * (-log_scales).exp()
        components = F.logsigmoid(y) + F.logsigmoid(-y) - log_scales
        log_prior = torch.logsumexp(F.log_softmax(logits, dim=-1) + components, dim=-1).sum(1)
        loss = -(reconstruction * c["beta"] + (log_prior - log_q_own.reshape(B, T).sum(1))).mean()
        t1 = now()
        loss.backward()
        t2 = now()
        norm = torch.nn.utils.clip_grad_norm_(self.params, c["max_gradient_norm"])
        value = float(loss.detach())
        if math.isfinite(value) and math.isfinite(float(norm)):
            self.optimiser.step()
        t3 = now()
        self.check = value
        return {"forward": t1 - t0, "backward": t2 - t1, "step": t3 - t0}


def colouring_batch():
    """Row 6's 32 graphs of 20 nodes with their colourings, as the engine generated them (`trufl-bench
    --colouring-batch`: the engine's generator from a fixed seed), so both sides train on the same batch."""
    try:
        out = subprocess.run([ENGINE, "--colouring-batch"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise RuntimeError(f"row 6 needs the engine's batch from {ENGINE} --colouring-batch: {error}") from error
    return json.loads(out)["graphs"]


class ColouringStep:
    """Row 6: one training step of chapter 06's graph-colouring model with TRUFL, as ColouringStepRow: the per-graph
    ELBO with one reparameterised draw per node and the soft decoder (tau = 0.02), beta = 2, the graph flow prior
    (mixture-of-logistics couplings conditioned through graph attention, elementwise affines, logistic base), the
    loss per node, backward, Adam after clipping the gradient norm to 1. The same batch, noise and initial weights
    as the engine; each iteration restores the initial weights outside the timing.

    Written op by op after Sources/Trufl (GraphColouringModel.elbo, TRUFLDequantiser, GraphFlowPrior,
    GraphMixtureCoupling, MixtureCDFTransform, GraphAttention), with PyTorch's own ops where they are the same
    function (index_add_ for scatter-add, F.logsigmoid, F.log_softmax, torch.logsumexp)."""

    def __init__(self, profile):
        c, p = COLOURING_STEP, COLOURING_STEP[profile]
        self.profile, self.size = profile, p
        K, D, H, M = 3, 2, p["hidden"], p["mixtures"]
        # The batch packed as GraphBatch packs it: graphs in order, each undirected edge as u -> v, then v -> u.
        graphs = colouring_batch()
        sources, targets, graph_of_node, colours, offset = [], [], [], [], 0
        for g, graph in enumerate(graphs):
            for u, v in graph["edges"]:
                sources += [u + offset, v + offset]
                targets += [v + offset, u + offset]
            graph_of_node += [g] * graph["nodes"]
            colours += graph["colours"]
            offset += graph["nodes"]
        self.sources, self.targets = torch.tensor(sources), torch.tensor(targets)
        self.graph_of_node, self.x = torch.tensor(graph_of_node), torch.tensor(colours)
        self.nodes, self.graphs = offset, len(graphs)
        self.noise = (hash_uniform([self.nodes, D], 69, 1.0) + 1) / 2 + 2.0**-25

        # Parameters in GraphColouringModel.parameters order; the i-th gets seed 600 + i (ColouringStepRow.initialise).
        self.params = []

        def parameter(shape, bound):
            value = hash_uniform(shape, 600 + len(self.params), bound).requires_grad_()
            self.params.append(value)
            return value

        def linear(inputs, outputs, bias=True):
            bound = inverse_square_root(inputs)
            return (parameter([inputs, outputs], bound), parameter([outputs], bound) if bias else None)

        # TRUFL: m~ keeps the model's start, logit of the window centres (0.2, 0.5, 0.8) in the first latent and
        # 0.5 in the second, computed as GraphColouringModel does (the ratio in float32, the log in double).
        centres = torch.tensor([0.2, 0.5, 0.8], dtype=torch.float32)
        ratio = centres / (1 - centres)
        m_tilde = [[math.log(float(r)), 0.0] for r in ratio]
        self.m_tilde = torch.tensor(m_tilde, dtype=torch.float32).requires_grad_()
        self.params.append(self.m_tilde)
        self.s_tilde = parameter([K, D], 0.5)
        self.flow_shift = parameter([K, D], 0.25)
        self.flow_log_scale = parameter([K, D], 0.25)
        # The prior: per coupling an embedding, graph-attention layers, a head; then the elementwise affines.
        width = 3 * M + 2  # MixtureCDFTransform.width: logits, means, log-scales, scale, shift
        self.couplings = []
        for i in range(p["couplings"]):
            parity = i % 2
            layers = []
            embed = linear(1, H)
            for _ in range(p["graph_layers"]):
                layers.append(dict(project=linear(H, H, bias=False)[0], attend_source=linear(H, 1, bias=False)[0],
                                   attend_target=linear(H, 1, bias=False)[0],
                                   update=[linear(2 * H, H), linear(H, H)]))
            head = linear(H, width)
            # CouplingSplit: parity 0 conditions on latent 0 and transforms latent 1, parity 1 the other way;
            # the engine splits and merges by products with 0/1 selection matrices, as here.
            conditioning = torch.zeros(D, 1)
            conditioning[parity, 0] = 1
            transformed = torch.zeros(D, 1)
            transformed[1 - parity, 0] = 1
            self.couplings.append(dict(embed=embed, layers=layers, head=head, select_conditioning=conditioning,
                                       select_transformed=transformed))
        self.affines = [(parameter([D], 0.1), parameter([D], 0.1)) for _ in range(p["couplings"])]

        self.log_marginal = torch.full([K], math.log(1 / 3), dtype=torch.float32)  # EmpiricalMarginal.uniform(3)
        self.inverse_temperature = 1 / torch.tensor(c["temperature"], dtype=torch.float32)
        self.initial = [q.detach().clone() for q in self.params]
        self.optimiser = torch.optim.Adam(self.params, lr=p["learning_rate"])
        self.check = None
        self.gradient_norm = None  # until the first step (JSON null, as the engine)

    @property
    def info(self):
        c, p = COLOURING_STEP, self.size
        return {"profile": self.profile, "graphs": f"{self.graphs} × {c['nodes']} nodes, {len(self.sources) // 2} edges",
                "dequantiser": f"TRUFL, D 2, colour-conditional scale and shift, soft τ = {c['temperature']}",
                "prior": f"{p['couplings']} blocks, hidden {p['hidden']}, {p['graph_layers']} graph-attention layers, "
                         f"{p['mixtures']} logistics",
                "optimiser": f"Adam {p['learning_rate']}, clip {c['max_gradient_norm']}, β {c['beta']}",
                "parameters": sum(q.numel() for q in self.params), "tensors": len(self.params),
                "gradient_norm": self.gradient_norm}

    # --- the dequantiser (TRUFLDequantiser, Truncation) ---
    @staticmethod
    def log_width(mt, st):
        """log s = log 2 + log min(m, 1 - m) + log sigma(s~) (Eq. 5). The minimum is a select with ties to its
        first argument, as the engine's: at m~ = 0 torch.minimum would split the gradient between the two."""
        a, b = F.logsigmoid(mt), F.logsigmoid(-mt)
        return torch.where(a <= b, a, b) + F.logsigmoid(st) + math.log(2.0)

    @staticmethod
    def truncated_sample(mt, st, noise):
        """Eq. 6 as the engine computes it: u and 1 - u without subtracting from 1, in double precision, then
        z' = log u - log(1 - u) rounded once to float32. (The engine also nudges a z' that rounding pushed past
        its support's end back by one ulp; that never happens for this noise.)"""
        mt, st, u0 = mt.double(), st.double(), noise.double()
        w = (2 * u0 - 1) * torch.sigmoid(st)
        lower = mt <= 0
        c = torch.where(lower, torch.sigmoid(mt), torch.sigmoid(-mt))
        u = torch.where(lower, c * (1 + w), torch.sigmoid(mt) + c * w)
        v = torch.where(lower, torch.sigmoid(-mt) - c * w, c * (1 - w))
        return (torch.log(u) - torch.log(v)).float()

    # --- the prior (GraphFlowPrior, GraphMixtureCoupling, GraphAttention, MixtureCDFTransform) ---
    def attention(self, h, layer):
        """h_i <- h_i + MLP([h_i, sum_j alpha_ij W h_j]), alpha a softmax over i's incoming edges of
        LeakyReLU(a_s . W h_j + a_t . W h_i)."""
        projected = h @ layer["project"]
        from_source = projected[self.sources]
        scores = from_source @ layer["attend_source"] + projected[self.targets] @ layer["attend_target"]
        scores = torch.where(scores > 0, scores, scores * 0.2)  # Activation.leakyRelu(0.2)
        # Each target's largest score, a constant shift that keeps exp from overflowing.
        with torch.no_grad():
            largest = torch.full([self.nodes, 1], -math.inf).scatter_reduce(0, self.targets[:, None], scores, "amax")
        weights = (scores - largest[self.targets]).exp()
        normaliser = torch.zeros(self.nodes, 1).index_add(0, self.targets, weights)[self.targets]
        messages = torch.zeros(self.nodes, h.shape[1]).index_add(0, self.targets, weights / normaliser * from_source)
        (w0, b0), (w1, b1) = layer["update"]
        return h + ((torch.cat([h, messages], 1) @ w0 + b0).relu() @ w1 + b1)

    def coupling(self, z, c):
        """z [nodes, 2] -> (u, log|du/dz| per node): the conditioning latent, through a tanh embedding and the graph
        attention layers, gives the mixture CDF transform of the other latent."""
        M = self.size["mixtures"]
        n = z.shape[0]
        a, b = z @ c["select_conditioning"], z @ c["select_transformed"]
        w, bias = c["embed"]
        h = (a @ w + bias).tanh()
        for layer in c["layers"]:
            h = self.attention(h, layer)
        w, bias = c["head"]
        out = (h @ w + bias).reshape(n, 1, 3 * M + 2)
        logits, means = out[:, :, :M], out[:, :, M:2 * M]
        log_scales = out[:, :, 2 * M:3 * M].clamp(-7, 5)  # MixtureOfLogistics.logScaleRange
        scale = out[:, :, 3 * M:3 * M + 1].reshape(n, 1).tanh()
        shift = out[:, :, 3 * M + 1:].reshape(n, 1)
        # u = logit(F_mix(b)) e^scale + shift; log|du/db| = log f_mix - log F - log(1 - F) + scale. (The engine
        # computes the standardised y and the log-softmax twice, once for the CDF and once for the density.)
        y = (b.reshape(n, 1, 1) - means) * (-log_scales).exp()
        weights = F.log_softmax(logits, dim=2)
        log_cdf = torch.logsumexp(weights + F.logsigmoid(y), dim=2)
        log_complement = torch.logsumexp(weights + F.logsigmoid(-y), dim=2)
        log_density = torch.logsumexp(weights + (F.logsigmoid(y) + F.logsigmoid(-y) - log_scales), dim=2)
        u = (log_cdf - log_complement) * scale.exp() + shift
        log_det = (log_density - log_cdf - log_complement + scale).sum(1)
        return a @ c["select_conditioning"].t() + u @ c["select_transformed"].t(), log_det

    def per_graph(self, v):
        return torch.zeros(self.graphs).index_add(0, self.graph_of_node, v)

    def iterate(self):
        c = COLOURING_STEP
        with torch.no_grad():
            for q, value in zip(self.params, self.initial):
                q.copy_(value)
        self.optimiser.zero_grad(set_to_none=True)
        t0 = now()
        mt, st, x = self.m_tilde, self.s_tilde, self.x
        # Dequantise every node's colour: the truncated-logistic draw, log q(z'|x) (Eq. 7), the colour's scale
        # and shift z = (z' + b) e^tanh(a).
        m, s = mt[x], st[x]
        z_prime = self.truncated_sample(m, s, self.noise)
        log_f = (F.logsigmoid(z_prime) + F.logsigmoid(-z_prime) - self.log_width(m, s)).sum(-1)
        a = self.flow_log_scale[x].tanh()
        z = (z_prime + self.flow_shift[x]) * a.exp()
        log_q_own = log_f - a.sum(-1)
        # The optimal decoder (Eq. 2) with the soft indicator: z'' = g^-1(z, k) and log q(z|k) for every colour k.
        a_all = self.flow_log_scale.tanh()
        z_all = z[:, None, :] * (-a_all).exp() - self.flow_shift
        inside = (F.logsigmoid(z_all) + F.logsigmoid(-z_all) - self.log_width(mt, st)).sum(-1) - a_all.sum(-1)
        lower_half = mt <= 0
        distance = torch.where(lower_half, torch.sigmoid(z_all) - torch.sigmoid(mt),
                               torch.sigmoid(-z_all) - torch.sigmoid(-mt)).abs()
        half_width = torch.where(lower_half, torch.sigmoid(mt), torch.sigmoid(-mt)) * torch.sigmoid(st)
        log_q = inside + F.logsigmoid((half_width - distance) * self.inverse_temperature).sum(-1)
        log_joint = log_q + self.log_marginal
        log_posterior = log_joint - torch.logsumexp(log_joint, dim=-1, keepdim=True)
        reconstruction = self.per_graph(log_posterior.gather(1, x[:, None])[:, 0])
        # The prior: coupling, then elementwise affine u = (z + shift) e^a, per block; a standard logistic base.
        u = z
        log_det = 0
        for coupling, (log_scale, shift) in zip(self.couplings, self.affines):
            u, step = self.coupling(u, coupling)
            u = (u + shift) * log_scale.exp()
            log_det = log_det + step + log_scale.sum()
        log_prior = self.per_graph((F.logsigmoid(u) + F.logsigmoid(-u)).sum(1) + log_det)
        elbo = reconstruction * c["beta"] + (log_prior - self.per_graph(log_q_own))
        loss = -(elbo.sum() * (1 / self.nodes))
        t1 = now()
        loss.backward()
        t2 = now()
        self.gradient_norm = float(torch.nn.utils.clip_grad_norm_(self.params, c["max_gradient_norm"]))
        self.optimiser.step()
        t3 = now()
        self.check = float(loss.detach())
        return {"forward": t1 - t0, "backward": t2 - t1, "step": t3 - t0}


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
    global now, ENGINE
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--row")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.3)
    parser.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", "1")))
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    parser.add_argument("--serve", action="store_true")
    parser.add_argument("--machine", action="store_true")
    parser.add_argument("--engine", default=ENGINE, help="trufl-bench, which prints row 6's batch of graphs")
    args = parser.parse_args()
    ENGINE = args.engine
    now = time.perf_counter if args.clock == "wall" else time.process_time
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
