"""Row 4: one training step of chapter 05's toy model."""
import math
import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from common import now, hash_uniform, inverse_square_root, made_masks, mixture_of_logistics_log_density, guarded_step, TOY_STEP  # noqa: E402
from trufl import inverse_temperature, log_width, log_soft_support, log_posterior  # noqa: E402


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
        self.inverse_temperature = inverse_temperature(c["temperature"])
        self.params = [self.m_tilde, self.s_tilde] + [p for wb in zip(self.weights, self.biases) for p in wb]
        self.initial = [p.detach().clone() for p in self.params]
        self.optimiser = torch.optim.Adam(self.params, lr=c["learning_rate"])
        self.check = None
        self.info = {"batch": batch, "x": f"[{batch}, {T}], K {K}", "dequantiser": f"TRUFL, D {D}, no flow, soft τ = {c['temperature']}",
                     "prior": f"MADE over {N} latents, hidden {c['hidden']} ReLU, {M} logistics",
                     "optimiser": "Adam 3e-3, clip 10", "parameters": sum(p.numel() for p in self.params)}

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
        widths = log_width(mt, st)
        u = torch.sigmoid(mt[x]) + (self.noise - 0.5) * widths[x].exp()
        z = torch.log(u) - torch.log1p(-u)
        log_q_own = (F.logsigmoid(z) + F.logsigmoid(-z) - widths[x]).sum(-1)
        # The optimal decoder (Eq. 2) with the soft indicator: log q(z|k) for every k.
        z_all = z[:, None, :]
        inside = (F.logsigmoid(z_all) + F.logsigmoid(-z_all) - widths).sum(-1)
        log_q = inside + log_soft_support(z_all, mt, st, self.inverse_temperature)
        reconstruction = log_posterior(log_q + self.log_marginal, x).reshape(B, T).sum(1)
        # The prior: MADE -> a mixture of logistics per latent.
        zz = z.reshape(B, -1)
        h = zz
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            h = h @ (w * self.masks[l]) + b
            if l < len(self.weights) - 1:
                h = h.relu()
        out = h.reshape(B, zz.shape[1], 3 * M)
        logits, means, log_scales = out[..., :M], out[..., M:2 * M], out[..., 2 * M:].clamp(-7, 5)
        log_prior = mixture_of_logistics_log_density(zz, logits, means, log_scales).sum(1)
        loss = -(reconstruction * c["beta"] + (log_prior - log_q_own.reshape(B, T).sum(1))).mean()
        t1 = now()
        value, t2 = guarded_step(loss, self.params, self.optimiser, c["max_gradient_norm"])
        t3 = now()
        self.check = value
        return {"forward": t1 - t0, "backward": t2 - t1, "step": t3 - t0}
