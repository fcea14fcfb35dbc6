"""Row 3: the TRUFL dequantiser with the optimal decoder."""
import math
import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from common import now, hash_uniform, DEQUANTISER  # noqa: E402
from trufl import inverse_temperature, log_width, log_soft_support, log_posterior  # noqa: E402


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
        self.inverse_temperature = inverse_temperature(0.02)  # τ = 0.02, as DequantiserRow
        self.info = {"K": k, "D": dim, "tokens": f"{d['batch']} × {d['tokens']}", "decoder": "optimal, soft τ = 0.02"}
        self.check = None

    def iterate(self):
        for p in self.params:
            p.grad = None
        t0 = now()
        mt, st = self.m_tilde, self.s_tilde
        widths = log_width(mt, st)
        a, b = torch.tanh(self.log_scale), self.shift
        # Sample (Eq. 6) and push through the category's scale and shift.
        m_x, w_x = torch.sigmoid(mt[self.x]), widths[self.x].exp()
        u = m_x + (self.noise - 0.5) * w_x
        z_prime = torch.log(u) - torch.log1p(-u)
        log_q_own = (F.logsigmoid(z_prime) + F.logsigmoid(-z_prime) - widths[self.x]).sum(-1) - a[self.x].sum(-1)
        z = (z_prime + b[self.x]) * a[self.x].exp()
        # log q(z|k) for every k, softened at the support edges.
        z_all = z[:, None, :] * (-a).exp() - b
        inside = (F.logsigmoid(z_all) + F.logsigmoid(-z_all) - widths).sum(-1) - a.sum(-1)
        log_q = inside + log_soft_support(z_all, mt, st, self.inverse_temperature)
        reconstruction = log_posterior(log_q + self.log_marginal, self.x)
        loss = (log_q_own - reconstruction).mean()
        t1 = now()
        loss.backward()
        t2 = now()
        self.check = float(loss.detach())
        return {"forward": t1 - t0, "backward": t2 - t1, "forward+backward": t2 - t0}
