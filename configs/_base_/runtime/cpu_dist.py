# Train distributed on CPU-only machines (gloo, SyncBN reverted to BN):
#   torchrun --nproc_per_node 2 tools/train.py CFG --launcher pytorch
# Identical to mmengine's Runner with CUDA or without --launcher.
runner_type = 'mmasm.CPUDistRunner'  # scoped: found from any default scope
