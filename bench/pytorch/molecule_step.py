"""Row 9: one training step of chapter 09's molecule model."""
import json
import subprocess
import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
import torch  # noqa: E402

import common  # noqa: E402
from common import hash_uniform, HashParameters, UnguardedTrainingStep, UnguardedStepRow, MOLECULE_STEP  # noqa: E402
from graph_flow import GraphFlowPrior, coupling_split, mixture_cdf_transform, logistic_base  # noqa: E402
from trufl import inverse_temperature, dequantise_and_decode  # noqa: E402


def molecule_batch():
    """Row 9's 16 molecules and Eq. 2's marginals, as the engine read and counted them (`trufl-bench
    --molecule-batch`: the ZINC sample's first molecules, parsed by RDKit), so both sides train on the same batch."""
    try:
        out = subprocess.run([common.ENGINE, "--molecule-batch"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise RuntimeError(f"row 9 needs the engine's molecules from {common.ENGINE} --molecule-batch "
                           f"(and the data `make data` fetches): {error}") from error
    return json.loads(out)


def mlp(x, layers):
    """MLP with ReLU between its layers, none after the last."""
    for i, (w, b) in enumerate(layers):
        x = x @ w + b
        if i < len(layers) - 1:
            x = x.relu()
    return x


class MoleculeStep(UnguardedStepRow):
    """Row 9: one training step of chapter 09's molecule model with TRUFL, as MoleculeStepRow: one reparameterised
    draw per atom and per pair (every pair of atoms of a molecule, `none` included), the soft decoder (tau = 0.02)
    for both, beta = 2; the node step (GraphFlowPrior: couplings conditioned by graph attention over each molecule's
    atoms) and the edge step (EdgeFlowPrior: couplings conditioned by RelationalEdgeNetwork on the atoms' latents and
    the other pairs), elementwise affines and logistic bases; the loss per category (atoms and pairs), backward, Adam
    after clipping the gradient norm to 1. The same molecules, noise and initial weights as the engine; each
    iteration restores the initial weights outside the timing.

    Written op by op after Sources/Trufl (MoleculeModel.elbo, EdgeFlowPrior, EdgeCoupling, RelationalEdgeNetwork,
    and the pieces of row 6), with PyTorch's own ops where they are the same function (index_add for scatter-add)."""

    def __init__(self):
        c = MOLECULE_STEP
        H, M, L = c["hidden"], c["mixtures"], c["graph_layers"]
        data = molecule_batch()
        # Packed as MoleculeBatch packs molecules: atoms numbered across molecules; the pairs i < j of each molecule
        # in row-major order of the upper triangle; the node step's graph every ordered pair j -> i of one molecule.
        first, second, molecule_of_pair, molecule_of_atom, sources, targets, reciprocal = [], [], [], [], [], [], []
        offset = 0
        for g, n in enumerate(data["atom_counts"]):
            molecule_of_atom += [g] * n
            reciprocal += [float(torch.tensor(1.0) / torch.tensor(float(n - 1)))] * n  # 1/(n − 1) in float32
            for i in range(n):
                for j in range(i + 1, n):
                    first.append(offset + i)
                    second.append(offset + j)
                    molecule_of_pair.append(g)
                for j in range(n):
                    if j != i:
                        sources.append(offset + j)
                        targets.append(offset + i)
            offset += n
        self.first, self.second = torch.tensor(first), torch.tensor(second)
        self.sources, self.targets = torch.tensor(sources), torch.tensor(targets)
        self.molecule_of_atom, self.molecule_of_pair = torch.tensor(molecule_of_atom), torch.tensor(molecule_of_pair)
        self.reciprocal = torch.tensor(reciprocal, dtype=torch.float32)[:, None]
        self.atoms, self.bonds = torch.tensor(data["atoms"]), torch.tensor(data["bonds"])
        self.molecules, self.atom_count, self.pair_count = len(data["atom_counts"]), offset, len(first)
        self.log_atom_marginal = torch.tensor(data["log_atom_marginal"], dtype=torch.float32)
        self.log_bond_marginal = torch.tensor(data["log_bond_marginal"], dtype=torch.float32)
        ka, kb = len(data["atom_types"]), len(data["log_bond_marginal"])
        da, db = c["atom_dimensions"], c["pair_dimensions"]
        self.noise_atoms = (hash_uniform([self.atom_count, da], 91, 1.0) + 1) / 2 + 2.0**-25
        self.noise_pairs = (hash_uniform([self.pair_count, db], 92, 1.0) + 1) / 2 + 2.0**-25

        # Parameters in MoleculeModel.parameters order; the i-th gets seed 900 + i (MoleculeStepRow.initialise).
        weights = HashParameters(900)
        parameter, linear = weights.parameter, weights.linear
        self.atom_dequantiser = [parameter([ka, da], 1.5), parameter([ka, da], 1.0),
                                 parameter([ka, da], 0.25), parameter([ka, da], 0.25)]
        self.bond_dequantiser = [parameter([kb, db], 1.5), parameter([kb, db], 1.0),
                                 parameter([kb, db], 0.25), parameter([kb, db], 0.25)]
        self.node_prior = GraphFlowPrior(parameter, linear, da, c["node_couplings"], H, L, M)
        # The edge step: per coupling a relational network; then the elementwise affines.
        self.edge_couplings = []
        for i in range(c["edge_couplings"]):
            select_conditioning, select_transformed = coupling_split(db, i % 2)
            self.edge_couplings.append(dict(
                select_conditioning=select_conditioning, select_transformed=select_transformed,
                embed_atoms=linear(da, H), embed_pairs=linear(select_conditioning.shape[1], H),
                pair_updates=[[linear(3 * H, H), linear(H, H)] for _ in range(L)],
                pair_messages=[linear(H, H, bias=False)[0] for _ in range(L)],
                atom_updates=[[linear(2 * H, H), linear(H, H)] for _ in range(L)],
                head=linear(2 * H, select_transformed.shape[1] * (3 * M + 2))))
        self.edge_affines = [(parameter([db], 0.1), parameter([db], 0.1)) for _ in range(c["edge_couplings"])]
        self.params = weights.params

        self.inverse_temperature = inverse_temperature(c["temperature"])
        self.train_step = UnguardedTrainingStep(self.params, c["learning_rate"], c["max_gradient_norm"])

    @property
    def info(self):
        c = MOLECULE_STEP
        return {"molecules": f"{self.molecules} (the ZINC sample's first), {self.atom_count} atoms, {self.pair_count} pairs",
                "dequantiser": f"TRUFL, D {c['atom_dimensions']} per atom and {c['pair_dimensions']} per pair, "
                               f"scale and shift, soft τ = {c['temperature']}",
                "prior": f"node step {c['node_couplings']} and edge step {c['edge_couplings']} blocks, hidden {c['hidden']}, "
                         f"{c['graph_layers']} graph layers, {c['mixtures']} logistics",
                "optimiser": f"Adam {c['learning_rate']}, clip {c['max_gradient_norm']}, β {c['beta']}",
                "parameters": sum(q.numel() for q in self.params), "tensors": len(self.params),
                "gradient_norm": self.train_step.gradient_norm}

    def relational(self, z_atoms, conditioning, c):
        """RelationalEdgeNetwork: e_ij <- e_ij + MLP_e([h_i + h_j, h_i * h_j, e_ij]), then
        h_i <- h_i + MLP_h([h_i, mean_j W e_ij]) per layer; the output per pair from [e_ij, h_i + h_j]."""
        w, b = c["embed_atoms"]
        h = (z_atoms @ w + b).tanh()
        w, b = c["embed_pairs"]
        e = (conditioning @ w + b).tanh()
        for update, message_weight, atom_update in zip(c["pair_updates"], c["pair_messages"], c["atom_updates"]):
            hi, hj = h[self.first], h[self.second]
            e = e + mlp(torch.cat([hi + hj, hi * hj, e], 1), update)
            message = e @ message_weight
            gathered = (torch.zeros(self.atom_count, h.shape[1]).index_add(0, self.first, message)
                        + torch.zeros(self.atom_count, h.shape[1]).index_add(0, self.second, message))
            h = h + mlp(torch.cat([h, gathered * self.reciprocal], 1), atom_update)
        w, b = c["head"]
        return torch.cat([e, h[self.first] + h[self.second]], 1) @ w + b

    def edge_log_density_per_pair(self, z_pairs, z_atoms):
        u, log_det = z_pairs, 0
        for c, (log_scale, shift) in zip(self.edge_couplings, self.edge_affines):
            a, b = u @ c["select_conditioning"], u @ c["select_transformed"]
            transformed, step = mixture_cdf_transform(self.relational(z_atoms, a, c), b, MOLECULE_STEP["mixtures"])
            u = a @ c["select_conditioning"].t() + transformed @ c["select_transformed"].t()
            u = (u + shift) * log_scale.exp()
            log_det = log_det + step + log_scale.sum()
        return logistic_base(u) + log_det

    def per_molecule(self, v, index):
        return torch.zeros(self.molecules).index_add(0, index, v)

    def loss(self):
        c = MOLECULE_STEP
        # Dequantise every atom and every pair (Eq. 6 with the category's scale and shift), decode both with the
        # soft indicator (Eq. 2).
        z_atoms, log_q_atoms, log_p_atoms = dequantise_and_decode(
            *self.atom_dequantiser, self.atoms, self.noise_atoms, self.log_atom_marginal, self.inverse_temperature)
        z_pairs, log_q_pairs, log_p_bonds = dequantise_and_decode(
            *self.bond_dequantiser, self.bonds, self.noise_pairs, self.log_bond_marginal, self.inverse_temperature)
        atoms, pairs = self.molecule_of_atom, self.molecule_of_pair
        reconstruction = self.per_molecule(log_p_atoms, atoms) + self.per_molecule(log_p_bonds, pairs)
        log_prior = (self.per_molecule(self.node_prior.log_density_per_node(z_atoms, self.sources, self.targets), atoms)
                     + self.per_molecule(self.edge_log_density_per_pair(z_pairs, z_atoms), pairs))
        log_posterior = self.per_molecule(log_q_atoms, atoms) + self.per_molecule(log_q_pairs, pairs)
        elbo = reconstruction * c["beta"] + (log_prior - log_posterior)
        return -(elbo.sum() * (1 / (self.atom_count + self.pair_count)))
