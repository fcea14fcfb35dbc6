"""The graph-flow pieces rows 6 and 9 share, written as the engine computes them (Sources/Trufl/Flows: CouplingSplit,
MixtureCDFTransform; Sources/Trufl/Layers/GraphAttention; Sources/Trufl/Priors/GraphFlowPrior)."""
import math
import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def coupling_split(dimension, parity):
    """CouplingSplit's 0/1 selection matrices ([D, |conditioning|], [D, |transformed|]): dimensions of `parity`
    condition, the others are transformed; the engine splits and merges by products with them, as here."""
    conditioning = [d for d in range(dimension) if d % 2 == parity]
    transformed = [d for d in range(dimension) if d % 2 != parity]

    def select(columns):
        matrix = torch.zeros(dimension, len(columns))
        for j, column in enumerate(columns):
            matrix[column, j] = 1
        return matrix

    return select(conditioning), select(transformed)


def mixture_cdf_transform(out, b, mixtures):
    """MixtureCDFTransform.forward: a conditioner's output [rows, n·(3M + 2)] maps b [rows, n] to
    u = logit(F_mix(b)) e^scale + shift, with log|du/db| = log f_mix − log F − log(1 − F) + scale summed per row.
    (The engine computes the standardised y and the log-softmax twice, once for the CDF and once for the density.)"""
    rows, n = b.shape
    m = mixtures
    out = out.reshape(rows, n, 3 * m + 2)
    logits, means = out[:, :, :m], out[:, :, m:2 * m]
    log_scales = out[:, :, 2 * m:3 * m].clamp(-7, 5)  # MixtureOfLogistics.logScaleRange
    scale = out[:, :, 3 * m].tanh()
    shift = out[:, :, 3 * m + 1]
    y = (b[:, :, None] - means) * (-log_scales).exp()
    weights = F.log_softmax(logits, dim=2)
    log_cdf = torch.logsumexp(weights + F.logsigmoid(y), dim=2)
    log_complement = torch.logsumexp(weights + F.logsigmoid(-y), dim=2)
    log_density = torch.logsumexp(weights + (F.logsigmoid(y) + F.logsigmoid(-y) - log_scales), dim=2)
    u = (log_cdf - log_complement) * scale.exp() + shift
    return u, (log_density - log_cdf - log_complement + scale).sum(1)


def graph_attention(h, layer, sources, targets, nodes):
    """GraphAttention: h_i <- h_i + MLP([h_i, sum_j alpha_ij W h_j]), alpha a softmax over i's incoming edges of
    LeakyReLU(a_s . W h_j + a_t . W h_i). `layer` holds project, attend_source, attend_target (weights without
    bias) and update (two (weight, bias) pairs)."""
    projected = h @ layer["project"]
    from_source = projected[sources]
    scores = from_source @ layer["attend_source"] + projected[targets] @ layer["attend_target"]
    scores = torch.where(scores > 0, scores, scores * 0.2)  # Activation.leakyRelu(0.2)
    # Each target's largest score, a constant shift that keeps exp from overflowing.
    with torch.no_grad():
        largest = torch.full([nodes, 1], -math.inf).scatter_reduce(0, targets[:, None], scores, "amax")
    weights = (scores - largest[targets]).exp()
    normaliser = torch.zeros(nodes, 1).index_add(0, targets, weights)[targets]
    messages = torch.zeros(nodes, h.shape[1]).index_add(0, targets, weights / normaliser * from_source)
    (w0, b0), (w1, b1) = layer["update"]
    return h + ((torch.cat([h, messages], 1) @ w0 + b0).relu() @ w1 + b1)


def logistic_base(u):
    """log of the factorised standard logistic at u, per row."""
    return (F.logsigmoid(u) + F.logsigmoid(-u)).sum(1)


class GraphFlowPrior:
    """GraphFlowPrior's parameters (in its `parameters` order, taken from `parameter(shape, bound)`) and its
    log-density per node: per block a mixture coupling whose conditioner is a tanh embedding of the conditioning
    half and graph-attention layers, then an elementwise affine u = (z + shift) e^a; a standard logistic base."""

    def __init__(self, parameter, linear, latents, couplings, hidden, graph_layers, mixtures):
        self.mixtures = mixtures
        width = 3 * mixtures + 2  # MixtureCDFTransform.width: logits, means, log-scales, scale, shift
        self.couplings = []
        for i in range(couplings):
            select_conditioning, select_transformed = coupling_split(latents, i % 2)
            embed = linear(select_conditioning.shape[1], hidden)
            layers = [dict(project=linear(hidden, hidden, bias=False)[0],
                           attend_source=linear(hidden, 1, bias=False)[0],
                           attend_target=linear(hidden, 1, bias=False)[0],
                           update=[linear(2 * hidden, hidden), linear(hidden, hidden)])
                      for _ in range(graph_layers)]
            head = linear(hidden, select_transformed.shape[1] * width)
            self.couplings.append(dict(embed=embed, layers=layers, head=head, select_conditioning=select_conditioning,
                                       select_transformed=select_transformed))
        self.affines = [(parameter([latents], 0.1), parameter([latents], 0.1)) for _ in range(couplings)]

    def log_density_per_node(self, z, sources, targets):
        nodes = z.shape[0]
        u, log_det = z, 0
        for c, (log_scale, shift) in zip(self.couplings, self.affines):
            a, b = u @ c["select_conditioning"], u @ c["select_transformed"]
            w, bias = c["embed"]
            h = (a @ w + bias).tanh()
            for layer in c["layers"]:
                h = graph_attention(h, layer, sources, targets, nodes)
            w, bias = c["head"]
            transformed, step = mixture_cdf_transform(h @ w + bias, b, self.mixtures)
            u = a @ c["select_conditioning"].t() + transformed @ c["select_transformed"].t()
            u = (u + shift) * log_scale.exp()
            log_det = log_det + step + log_scale.sum()
        return logistic_base(u) + log_det
