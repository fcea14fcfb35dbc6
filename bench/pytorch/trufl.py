"""The TRUFL pieces the PyTorch rows share (rows 3, 4, 6 and 9), written as the engine computes them
(Sources/Trufl/Dequantisers: TruncatedLogisticSampler, TruncationWindow, LogisticDensities, OptimalDecoder)."""
import math
import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def inverse_temperature(temperature):
    """1/τ rounded to Float32 as the engine computes it (`1 / temperature` on a Float)."""
    return 1 / torch.tensor(temperature, dtype=torch.float32)


def log_width(mt, st):
    """log s = log 2 + log min(m, 1 − m) + log σ(s̃) (Eq. 5). The minimum is a select with ties to its first
    argument, as the engine's: at m̃ = 0 torch.minimum would split the gradient between the two."""
    a, b = F.logsigmoid(mt), F.logsigmoid(-mt)
    return torch.where(a <= b, a, b) + F.logsigmoid(st) + math.log(2.0)


def log_soft_support(z_all, mt, st, inverse_temperature):
    """Σ_d log σ((s/2 − |σ(z'') − m|) / τ), the soft support indicator of every category, written between
    complements where m > 1/2 (Truncation.logSoftIndicator)."""
    lower_half = mt <= 0
    distance = torch.where(lower_half, torch.sigmoid(z_all) - torch.sigmoid(mt),
                           torch.sigmoid(-z_all) - torch.sigmoid(-mt)).abs()
    half_width = torch.where(lower_half, torch.sigmoid(mt), torch.sigmoid(-mt)) * torch.sigmoid(st)
    return F.logsigmoid((half_width - distance) * inverse_temperature).sum(-1)


def log_posterior(log_joint, x):
    """log p(x|z) of the optimal decoder (Eq. 2): log p(z, x) − log Σ_k p(z, k), at each row's category x."""
    return (log_joint - torch.logsumexp(log_joint, dim=-1, keepdim=True)).gather(1, x[:, None])[:, 0]


def truncated_sample(mt, st, noise):
    """Eq. 6 as the engine computes it: u and 1 - u without subtracting from 1, in double precision, then
    z' = log u - log(1 - u) rounded once to float32. (The engine also nudges a z' that rounding pushed past
    its support's end back by one ulp; that never happens for the rows' noise.)"""
    mt, st, u0 = mt.double(), st.double(), noise.double()
    w = (2 * u0 - 1) * torch.sigmoid(st)
    lower = mt <= 0
    c = torch.where(lower, torch.sigmoid(mt), torch.sigmoid(-mt))
    u = torch.where(lower, c * (1 + w), torch.sigmoid(mt) + c * w)
    v = torch.where(lower, torch.sigmoid(-mt) - c * w, c * (1 - w))
    return (torch.log(u) - torch.log(v)).float()


def dequantise_and_decode(mt, st, flow_shift, flow_log_scale, x, noise, log_marginal, inverse_temperature):
    """TRUFL with its category-conditional scale and shift on categories x [N] with uniform noise [N, D]:
    the truncated-logistic draw z' (Eq. 6), z = (z' + b_x) e^tanh(a_x), log q(z|x) (Eq. 7 less the flow's
    log-determinant), and the soft optimal decoder's log p(x|z) (Eq. 2), from log q(z|k) of every category k.
    Returns (z, log q(z|x), log p(x|z))."""
    m, s = mt[x], st[x]
    z_prime = truncated_sample(m, s, noise)
    log_f = (F.logsigmoid(z_prime) + F.logsigmoid(-z_prime) - log_width(m, s)).sum(-1)
    a = flow_log_scale[x].tanh()
    z = (z_prime + flow_shift[x]) * a.exp()
    log_q_own = log_f - a.sum(-1)
    a_all = flow_log_scale.tanh()
    z_all = z[:, None, :] * (-a_all).exp() - flow_shift
    inside = (F.logsigmoid(z_all) + F.logsigmoid(-z_all) - log_width(mt, st)).sum(-1) - a_all.sum(-1)
    log_q = inside + log_soft_support(z_all, mt, st, inverse_temperature)
    return z, log_q_own, log_posterior(log_q + log_marginal, x)
