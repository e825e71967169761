#!/usr/bin/env bash
# Distributed training with torchrun:
#   tools/dist_train.sh CONFIG NUM_PROCESSES [train.py options]
# Without a GPU the ranks run on CPU (gloo): a config that names no
# runner_type gets mmasm.CPUDistRunner; another runner must be a
# CPUDistRunner (runner_type='mmasm.CPUDistRunner', or inherit
# mmasm::_base_/runtime/cpu_dist.py).
# Python: $PYTHON, else the active venv's, else the repository's .venv,
# else python3 (tools/dist_python.sh).
CONFIG=$1
GPUS=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
source "$(dirname "$0")/dist_python.sh"  # sets PYTHON and REPO_ROOT

PYTHONPATH="$REPO_ROOT":$PYTHONPATH \
"$PYTHON" -m torch.distributed.run \
    --nnodes="$NNODES" \
    --node_rank="$NODE_RANK" \
    --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$GPUS" \
    --master_port="$PORT" \
    "$(dirname "$0")/train.py" \
    "$CONFIG" \
    --launcher pytorch "${@:3}"
