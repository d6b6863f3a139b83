#!/usr/bin/env bash
# Train PoseBH-B from the ViTPose+-B checkpoint (weights/vitpose+_base.pth), 1 node x GPUS.
# bash scripts/train_vitb_posebh.sh [GPUS=4] [extra train.py args]
set -euo pipefail
cd "$(dirname "$0")/.."
GPUS=${1:-4}
bash tools/dist_train.sh configs/body/2d_kpt_sview_rgb_img/topdown_heatmap/mdt/vitb_posebh.py \
    "$GPUS" --cfg-options model.multihead_pretrained=weights/vitpose+_base.pth --seed 0 "${@:2}"
