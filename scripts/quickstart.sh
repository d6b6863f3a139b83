#!/usr/bin/env bash
# The quick start. Sets up .venv, then runs the main job on embedded synthetic data (figures
# drawn procedurally, written in each dataset's native format; train and val from different
# seeds), on CPU if there is no GPU:
#   bash scripts/quickstart.sh          tiny PoseBH on COCO, AIC, MPII, AP-10K, APT-36K and
#                                       COCO-WholeBody through every stage (prototypes ->
#                                       clusters + CSS with a frozen backbone -> thaw), then one
#                                       evaluation of all six datasets (a table of metrics)
#   bash scripts/quickstart.sh vitpose  tiny single-dataset ViTPose on COCO (about 1.5 minutes)
# Training uses tools/dist_train.sh (1 process) and evaluation tools/dist_test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
JOB=${1:-posebh}
bash scripts/setup.sh
. .venv/bin/activate
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-$(nproc)}
case "$JOB" in
    posebh)
        CFG=configs/demo/posebh_tiny_synthetic_mdt.py
        python - <<'PY'
from mmpose.datasets.synthetic import generate_dataset
root = 'data/synthetic/'
for fmt, folder in [('coco', 'coco'), ('coco_wholebody', 'coco'), ('aic', 'aic'),
                    ('mpii', 'mpii'), ('ap10k', 'ap10k'), ('apt36k', 'ap36k')]:
    generate_dataset(fmt, root + folder, num_images=90, split='train', seed=1,
                     image_size=(160, 128))
    generate_dataset(fmt, root + folder, num_images=40, split='val', seed=2,
                     image_size=(160, 128))
    print(f'[quickstart] synthetic {fmt}: 90 train + 40 val images in {root + folder}')
PY
        ;;
    vitpose)
        CFG=configs/demo/vitpose_tiny_synthetic_coco.py
        python tools/dataset/make_synthetic.py --format coco --out data/synthetic_coco \
            --split train --num-images 400 --seed 1
        python tools/dataset/make_synthetic.py --format coco --out data/synthetic_coco \
            --split val --num-images 100 --seed 2
        ;;
    *) echo "usage: bash scripts/quickstart.sh [posebh|vitpose]" >&2; exit 2 ;;
esac
WD=work_dirs/quickstart_$JOB
bash tools/dist_train.sh "$CFG" 1 --work-dir "$WD" --seed 0
CKPT=$(cat "$WD/last_checkpoint")
bash tools/dist_test.sh "$CFG" "$CKPT" 1 --work-dir "$WD" --out "$WD/predictions.json"
echo "[quickstart] checkpoint: $CKPT"
