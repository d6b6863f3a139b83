#!/usr/bin/env bash
# Set up an isolated environment in .venv: PyTorch (the CPU wheel when there is no GPU, instead
# of several GB of CUDA packages), mmengine, xtcocotools built against NumPy 2, this package.
# Idempotent: re-running only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
. .venv/bin/activate
export PIP_DISABLE_PIP_VERSION_CHECK=1
pip_q() { pip install -q "$@" 2>&1 | grep -v "is ignored: it is neither" || true; }

if ! python -c "import torch" 2>/dev/null; then
    if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
        TORCH_SPEC=${TORCH_SPEC:-"torch>=2.4"}
    else
        # CPU machines: the CPU build (this machine kind ships torch 2.13.0 CPU as a local wheel)
        TORCH_SPEC=${TORCH_SPEC:-"torch==2.13.0"}
    fi
    echo "[setup] installing $TORCH_SPEC"
    pip_q "$TORCH_SPEC"
fi
pip_q "numpy>=1.26" cython setuptools wheel
if ! python -c "import xtcocotools.cocoeval" 2>/dev/null; then
    echo "[setup] building xtcocotools against the installed NumPy"
    pip_q --no-build-isolation --no-binary xtcocotools xtcocotools
fi
if ! python -c "import mmpose" 2>/dev/null; then
    echo "[setup] installing mmpose (editable) and its requirements"
    pip_q --no-build-isolation -e .
elif [ -f /usr/include/jpeglib.h ] && ! python -c "from mmpose.datasets.transforms import \
region_decoding_available as r; assert r()" 2>/dev/null; then
    echo "[setup] building the region JPEG decoder (libjpeg headers found)"
    pip_q --no-build-isolation -e .
fi
python -c "import pytest" 2>/dev/null || pip_q pytest
python -c "import torch, mmengine, xtcocotools, cv2, mmpose; \
from mmpose.datasets.transforms import region_decoding_available as r; \
print(f'[setup] ok: torch {torch.__version__}, mmengine {mmengine.__version__}, \
mmpose {mmpose.__version__}, cuda={torch.cuda.is_available()}, region JPEG decoding={r()}')"
