"""Row 8: the optimal decoder (Eq. 2) at the word-level scale of Table 4."""
import math
import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from common import now, hash_uniform, DECODER  # noqa: E402
from trufl import inverse_temperature, log_width, log_soft_support, log_posterior  # noqa: E402

CATNF_BASE_SCALE = 1 / torch.tensor(1.81, dtype=torch.float32)  # CatNFDequantiser.catNFBaseScale, a Float32


class Decoder:
    """Row 8: log p(x|z) of the optimal decoder (Eq. 2) for 512 tokens over K = 10,000 categories, D = 12, as a
    PyTorch user would write it: every category's inverse scale and shift of z ([N, K, D]), the logistic log density,
    for TRUFL minus log s and plus the soft support indicator (tau = 0.02), for CatNF with its base scale 1/1.81;
    then log P(k), the log-sum-exp over k, the entry at x; the loss -mean log p(x|z), forward and backward into z
    and every parameter. Same formulas and weights as DecoderRow."""

    def __init__(self, catnf):
        d = DECODER
        k, dim, n = d["categories"], d["dimension"], d["tokens"]
        self.catnf = catnf
        self.shift = hash_uniform([k, dim], 43, 2.0).requires_grad_()
        self.log_scale = hash_uniform([k, dim], 44, 0.5).requires_grad_()
        self.params = [self.shift, self.log_scale]
        if not catnf:
            self.m_tilde = hash_uniform([k, dim], 41, 1.5).requires_grad_()
            self.s_tilde = hash_uniform([k, dim], 42, 1.0).requires_grad_()
            self.params += [self.m_tilde, self.s_tilde]
        self.x = ((hash_uniform([n], 45, 1.0) + 1) / 2 * k).long().clamp(max=k - 1)
        self.z = hash_uniform([n, dim], 46, 4.0)
        self.log_marginal = torch.full([k], -math.log(k))
        self.inverse_temperature = inverse_temperature(d["temperature"])
        self.info = {"K": k, "D": dim, "tokens": n,
                     "dequantiser": "CatNF, base scale 1/1.81" if catnf else "TRUFL, soft τ = 0.02"}
        self.check = None

    def iterate(self):
        for p in self.params:
            p.grad = None
        t0 = now()
        z = self.z.clone().requires_grad_()
        a, b = torch.tanh(self.log_scale), self.shift
        z_all = z[:, None, :] * (-a).exp() - b  # g^{-1}(z, k) for every k: [N, K, D]
        if self.catnf:
            z_all = z_all / CATNF_BASE_SCALE
            dim = z.shape[1]
            log_q = ((F.logsigmoid(z_all) + F.logsigmoid(-z_all)).sum(-1) - a.sum(-1)
                     - dim * torch.log(CATNF_BASE_SCALE))
        else:
            widths = log_width(self.m_tilde, self.s_tilde)
            inside = (F.logsigmoid(z_all) + F.logsigmoid(-z_all) - widths).sum(-1) - a.sum(-1)
            log_q = inside + log_soft_support(z_all, self.m_tilde, self.s_tilde, self.inverse_temperature)
        reconstruction = log_posterior(log_q + self.log_marginal, self.x)
        loss = -reconstruction.mean()
        t1 = now()
        loss.backward()
        t2 = now()
        self.check = float(loss.detach())
        return {"forward": t1 - t0, "backward": t2 - t1, "forward+backward": t2 - t0}
