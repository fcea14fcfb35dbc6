"""The TRUFL pieces the PyTorch rows share (rows 3, 4 and 6), written as the engine computes them
(Sources/Trufl/Dequantisers: Truncation, LogisticDensities, OptimalQuantiser)."""
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
