"""Row 6: one training step of chapter 06's graph-colouring model."""
import json
import math
import subprocess
import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
import torch  # noqa: E402

import common  # noqa: E402
from common import hash_uniform, HashParameters, UnguardedTrainingStep, UnguardedStepRow, COLOURING_STEP  # noqa: E402
from trufl import inverse_temperature, dequantise_and_decode  # noqa: E402
from graph_flow import GraphFlowPrior  # noqa: E402


def colouring_batch():
    """Row 6's 32 graphs of 20 nodes with their colourings, as the engine generated them (`trufl-bench
    --colouring-batch`: the engine's generator from a fixed seed), so both sides train on the same batch."""
    try:
        out = subprocess.run([common.ENGINE, "--colouring-batch"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise RuntimeError(f"row 6 needs the engine's batch from {common.ENGINE} --colouring-batch: {error}") from error
    return json.loads(out)["graphs"]


class ColouringStep(UnguardedStepRow):
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
        weights = HashParameters(600)
        parameter, linear = weights.parameter, weights.linear

        # TRUFL: m~ keeps the model's start, logit of the window centres (0.2, 0.5, 0.8) in the first latent and
        # 0.5 in the second, computed as GraphColouringModel does (the ratio in float32, the log in double).
        centres = torch.tensor([0.2, 0.5, 0.8], dtype=torch.float32)
        ratio = centres / (1 - centres)
        m_tilde = [[math.log(float(r)), 0.0] for r in ratio]
        self.m_tilde = weights.add(torch.tensor(m_tilde, dtype=torch.float32))
        self.s_tilde = parameter([K, D], 0.5)
        self.flow_shift = parameter([K, D], 0.25)
        self.flow_log_scale = parameter([K, D], 0.25)
        # The prior: per coupling an embedding, graph-attention layers, a head; then the elementwise affines.
        self.prior = GraphFlowPrior(parameter, linear, D, p["couplings"], H, p["graph_layers"], M)

        self.params = weights.params
        self.log_marginal = torch.full([K], math.log(1 / 3), dtype=torch.float32)  # EmpiricalMarginal.uniform(3)
        self.inverse_temperature = inverse_temperature(c["temperature"])
        self.train_step = UnguardedTrainingStep(self.params, p["learning_rate"], c["max_gradient_norm"])

    @property
    def info(self):
        c, p = COLOURING_STEP, self.size
        return {"profile": self.profile, "graphs": f"{self.graphs} × {c['nodes']} nodes, {len(self.sources) // 2} edges",
                "dequantiser": f"TRUFL, D 2, colour-conditional scale and shift, soft τ = {c['temperature']}",
                "prior": f"{p['couplings']} blocks, hidden {p['hidden']}, {p['graph_layers']} graph-attention layers, "
                         f"{p['mixtures']} logistics",
                "optimiser": f"Adam {p['learning_rate']}, clip {c['max_gradient_norm']}, β {c['beta']}",
                "parameters": sum(q.numel() for q in self.params), "tensors": len(self.params),
                "gradient_norm": self.train_step.gradient_norm}

    def per_graph(self, v):
        return torch.zeros(self.graphs).index_add(0, self.graph_of_node, v)

    def loss(self):
        c = COLOURING_STEP
        # Dequantise every node's colour (Eq. 6, the colour's scale and shift) and decode it with the soft
        # indicator (Eq. 2).
        z, log_q_own, log_p_x = dequantise_and_decode(self.m_tilde, self.s_tilde, self.flow_shift, self.flow_log_scale,
                                                      self.x, self.noise, self.log_marginal, self.inverse_temperature)
        reconstruction = self.per_graph(log_p_x)
        log_prior = self.per_graph(self.prior.log_density_per_node(z, self.sources, self.targets))
        elbo = reconstruction * c["beta"] + (log_prior - self.per_graph(log_q_own))
        return -(elbo.sum() * (1 / self.nodes))
