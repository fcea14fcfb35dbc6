"""Row 5: an LSTM with a MADE mixture-of-logistics head."""
import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from common import now, hash_uniform, inverse_square_root, made_masks, LSTM  # noqa: E402


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
