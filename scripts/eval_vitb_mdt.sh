#!/usr/bin/env bash
# Evaluate a PoseBH-B / ViTPose+-B checkpoint the way the PoseBH README reports it: split it into
# per-dataset ViTPose-B models (tools/model_split.py), then test each with its dataset's config
# (COCO val with AP-56 detections, AIC val, MPII val, AP-10K test, APT-36K test, COCO-WholeBody
# val, OCHuman test with the COCO model).
# bash scripts/eval_vitb_mdt.sh CHECKPOINT [GPUS=4]
# (tools/test.py on the multi-dataset config itself evaluates all six datasets in one run.)
set -euo pipefail
cd "$(dirname "$0")/.."
CKPT=$1
GPUS=${2:-4}
PREFIX=posebh_base
python tools/model_split.py --source "$CKPT" --target split_weights --prefix "$PREFIX" \
    --config configs/body/2d_kpt_sview_rgb_img/topdown_heatmap/mdt/vitb_posebh.py
B=configs/body/2d_kpt_sview_rgb_img/topdown_heatmap
A=configs/animal/2d_kpt_sview_rgb_img/topdown_heatmap
W=configs/wholebody/2d_kpt_sview_rgb_img/topdown_heatmap
while read -r cfg name; do
    echo "== $name: $cfg"
    bash tools/dist_test.sh "$cfg" "split_weights/${PREFIX}_${name}.pth" "$GPUS"
done <<LIST
$B/coco/ViTPose_base_coco_256x192.py coco
$B/ochuman/ViTPose_base_ochuman_256x192.py coco
$B/aic/ViTPose_base_aic_256x192.py aic
$B/mpii/ViTPose_base_mpii_256x192.py mpii
$A/ap10k/ViTPose_base_ap10k_256x192.py ap10k
$A/apt36k/ViTPose_base_apt36k_256x192.py apt36k
$W/coco-wholebody/ViTPose_base_wholebody_256x192.py coco_wholebody
LIST
