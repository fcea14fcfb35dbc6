"""Row 7: one training step of chapter 07's TRUFL character model (full profile's shapes)."""
import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from common import now, hash_uniform, inverse_square_root, made_masks, mixture_of_logistics_log_density, guarded_step  # noqa: E402
from trufl import inverse_temperature, log_width, log_soft_support, log_posterior  # noqa: E402

# --- shared with Sources/Bench/Rows/CharacterModelStepRow.swift (CharacterModelShapes) ---------------------
CHARLM_STEP = dict(categories=49, length=128, batch=32, dimension=3, hidden=256, made_hidden=128, mixtures=4,
                   temperature=0.02, beta=2.0, learning_rate=2e-2, max_gradient_norm=1.0)


class CharacterModelStep:
    """Row 7: TRUFL (K = 49, D = 3, category-conditional scale and shift, soft indicator tau = 0.02) with the optimal
    decoder, and the language prior of Appendix C.3: an LSTM (hidden 256) over the previous characters' latents whose
    state conditions a MADE (one hidden layer of 128, ReLU) giving a mixture of 4 logistics per latent dimension; the
    ELBO per character with beta = 2, backward, Adam (2e-2) after clipping the gradient norm to 1, skipped if the loss
    or the norm is not finite. torch.nn.LSTM, as a PyTorch user writes it (one bias set to zero: the engine has one).
    Same fixed chunks, noise and initial weights as the engine; each iteration restores the initial weights outside
    the timing."""

    def __init__(self):
        c = CHARLM_STEP
        K, T, B, D, H, MH, M = (c[k] for k in ("categories", "length", "batch", "dimension", "hidden", "made_hidden", "mixtures"))
        self.m_tilde = hash_uniform([K, D], 71, 1.5).requires_grad_()
        self.s_tilde = hash_uniform([K, D], 72, 1.0).requires_grad_()
        self.shift = hash_uniform([K, D], 73, 0.5).requires_grad_()
        self.log_scale = hash_uniform([K, D], 74, 0.5).requires_grad_()
        h = inverse_square_root(H)
        self.lstm = torch.nn.LSTM(D, H)  # gates (i, f, g, o) as the engine's; weights stored transposed
        with torch.no_grad():
            self.lstm.weight_ih_l0.copy_(hash_uniform([D, 4 * H], 75, h).t())
            self.lstm.weight_hh_l0.copy_(hash_uniform([H, 4 * H], 76, h).t())
            self.lstm.bias_ih_l0.copy_(hash_uniform([4 * H], 77, h))
            self.lstm.bias_hh_l0.zero_()
        out = D * 3 * M
        self.w0 = hash_uniform([D, MH], 78, inverse_square_root(D)).requires_grad_()
        self.b0 = hash_uniform([MH], 79, inverse_square_root(D)).requires_grad_()
        self.w1 = hash_uniform([MH, out], 80, inverse_square_root(MH)).requires_grad_()
        self.b1 = hash_uniform([out], 81, inverse_square_root(MH)).requires_grad_()
        self.wc = hash_uniform([H, MH], 82, h).requires_grad_()
        self.masks = made_masks(D, [MH], 3 * M, context=True)
        n = B * T
        self.x = ((hash_uniform([n], 83, 1.0) + 1) / 2 * K).long().clamp(max=K - 1)
        self.noise = (hash_uniform([n, D], 84, 1.0) + 1) / 2 + 2.0**-25
        counts = torch.bincount(self.x, minlength=K).double()
        self.log_marginal = (counts / counts.sum()).log().float()
        self.inverse_temperature = inverse_temperature(c["temperature"])
        self.params = ([self.m_tilde, self.s_tilde, self.shift, self.log_scale] + list(self.lstm.parameters())
                       + [self.w0, self.b0, self.w1, self.b1, self.wc])
        self.initial = [p.detach().clone() for p in self.params]
        self.optimiser = torch.optim.Adam(self.params, lr=c["learning_rate"])
        self.check = None
        self.info = {"x": f"[{B}, {T}], K {K}", "dequantiser": f"TRUFL, D {D}, scale and shift, soft τ = {c['temperature']}",
                     "prior": f"LSTM {H} over z_<t, MADE [{MH}] over D, {M} logistics",
                     "optimiser": f"Adam {c['learning_rate']}, clip {c['max_gradient_norm']}",
                     "parameters": sum(p.numel() for p in self.params) - 4 * H}

    def iterate(self):
        c = CHARLM_STEP
        B, T, D, H, M = c["batch"], c["length"], c["dimension"], c["hidden"], c["mixtures"]
        with torch.no_grad():
            for p, value in zip(self.params, self.initial):
                p.copy_(value)
        self.optimiser.zero_grad(set_to_none=True)
        t0 = now()
        mt, st, x = self.m_tilde, self.s_tilde, self.x
        widths = log_width(mt, st)
        a, b = torch.tanh(self.log_scale), self.shift
        # Dequantise: the truncated-logistic draw (Eq. 6) and its density (Eq. 7), then the scale and shift.
        u = torch.sigmoid(mt[x]) + (self.noise - 0.5) * widths[x].exp()
        z_prime = torch.log(u) - torch.log1p(-u)
        log_q_own = (F.logsigmoid(z_prime) + F.logsigmoid(-z_prime) - widths[x]).sum(-1) - a[x].sum(-1)
        z = (z_prime + b[x]) * a[x].exp()
        # The optimal decoder (Eq. 2) with the soft indicator: log q(z|k) for every k.
        z_all = z[:, None, :] * (-a).exp() - b
        inside = (F.logsigmoid(z_all) + F.logsigmoid(-z_all) - widths).sum(-1) - a.sum(-1)
        log_q = inside + log_soft_support(z_all, mt, st, self.inverse_temperature)
        reconstruction = log_posterior(log_q + self.log_marginal, x).reshape(B, T).sum(1)
        # The prior (Appendix C.3): the LSTM reads z_{t-1}, its state conditions the MADE over z_t's dimensions.
        time_major = z.reshape(B, T, D).permute(1, 0, 2)
        inputs = torch.cat([torch.zeros(1, B, D), time_major[:-1]], 0)
        context = self.lstm(inputs)[0].reshape(T * B, H)
        flat = time_major.reshape(T * B, D)
        hidden = (flat @ (self.w0 * self.masks[0]) + self.b0 + context @ self.wc).relu()
        out = (hidden @ (self.w1 * self.masks[1]) + self.b1).reshape(T * B, D, 3 * M)
        logits, means, log_scales = out[..., :M], out[..., M:2 * M], out[..., 2 * M:].clamp(-7, 5)
        log_prior = mixture_of_logistics_log_density(flat, logits, means, log_scales).reshape(T, B, D).sum((0, 2))
        elbo = reconstruction * c["beta"] + (log_prior - log_q_own.reshape(B, T).sum(1))
        loss = -elbo.mean() * (1 / T)
        t1 = now()
        value, t2 = guarded_step(loss, self.params, self.optimiser, c["max_gradient_norm"])
        t3 = now()
        self.check = value
        return {"forward": t1 - t0, "backward": t2 - t1, "step": t3 - t0}
