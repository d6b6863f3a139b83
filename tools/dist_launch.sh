#!/usr/bin/env bash
# Shared torchrun launcher of dist_train.sh / dist_test.sh:
#   bash tools/dist_launch.sh SCRIPT NPROC [script args]
# NPROC processes on this node (GPUs, or gloo processes on a CPU-only machine). Multi-node: set
# NNODES, NODE_RANK, MASTER_ADDR (and PORT) on every node. PYTHON selects the interpreter.
set -e
SCRIPT=$1
NPROC=$2
PYTHONPATH="$(dirname "$0")/..":$PYTHONPATH \
"${PYTHON:-python}" -m torch.distributed.run --nnodes="${NNODES:-1}" \
    --node_rank="${NODE_RANK:-0}" --master_addr="${MASTER_ADDR:-127.0.0.1}" \
    --master_port="${PORT:-29500}" --nproc_per_node="$NPROC" \
    "$(dirname "$0")/$SCRIPT" "${@:3}" --launcher pytorch
