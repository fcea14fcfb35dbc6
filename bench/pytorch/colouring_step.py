"""Row 6: one training step of chapter 06's graph-colouring model."""
import json
import math
import subprocess
import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import common  # noqa: E402
from common import now, hash_uniform, inverse_square_root, COLOURING_STEP  # noqa: E402
from trufl import inverse_temperature, log_width, log_soft_support, log_posterior  # noqa: E402


def colouring_batch():
    """Row 6's 32 graphs of 20 nodes with their colourings, as the engine generated them (`trufl-bench
    --colouring-batch`: the engine's generator from a fixed seed), so both sides train on the same batch."""
    try:
        out = subprocess.run([common.ENGINE, "--colouring-batch"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise RuntimeError(f"row 6 needs the engine's batch from {common.ENGINE} --colouring-batch: {error}") from error
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
        self.inverse_temperature = inverse_temperature(c["temperature"])
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
        log_f = (F.logsigmoid(z_prime) + F.logsigmoid(-z_prime) - log_width(m, s)).sum(-1)
        a = self.flow_log_scale[x].tanh()
        z = (z_prime + self.flow_shift[x]) * a.exp()
        log_q_own = log_f - a.sum(-1)
        # The optimal decoder (Eq. 2) with the soft indicator: z'' = g^-1(z, k) and log q(z|k) for every colour k.
        a_all = self.flow_log_scale.tanh()
        z_all = z[:, None, :] * (-a_all).exp() - self.flow_shift
        inside = (F.logsigmoid(z_all) + F.logsigmoid(-z_all) - log_width(mt, st)).sum(-1) - a_all.sum(-1)
        log_q = inside + log_soft_support(z_all, mt, st, self.inverse_temperature)
        reconstruction = self.per_graph(log_posterior(log_q + self.log_marginal, x))
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
