#!/usr/bin/env bash
# The quick start: set up .venv, write a synthetic COCO-format dataset (procedurally drawn
# figures; train and val from different seeds), train the tiny ViTPose of
# configs/demo/vitpose_tiny_synthetic_coco.py with tools/dist_train.sh (1 process; CPU works),
# evaluate it with tools/dist_test.sh and print the COCO keypoint metrics.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-$(nproc)}
DATA=data/synthetic_coco
CFG=configs/demo/vitpose_tiny_synthetic_coco.py
WD=work_dirs/quickstart
python tools/dataset/make_synthetic.py --format coco --out "$DATA" --split train \
    --num-images 400 --seed 1
python tools/dataset/make_synthetic.py --format coco --out "$DATA" --split val \
    --num-images 100 --seed 2
bash tools/dist_train.sh "$CFG" 1 --work-dir "$WD" --seed 0
CKPT=$(cat "$WD/last_checkpoint")
bash tools/dist_test.sh "$CFG" "$CKPT" 1 --work-dir "$WD" --out "$WD/val_keypoints.json"
echo "[quickstart] predictions: $WD/val_keypoints.json; checkpoint: $CKPT"
