"""Classification ASM on 2 CPU ranks (gloo, ``tools/dist_train.sh``,
``runner_type='mmasm.CPUDistRunner'`` in an mmpretrain config): both ranks
end with identical weights."""
import sys

import torch
from utils import (REPO_ROOT, finish_tool, free_port, make_tiny_digits,
                   start_tool)

from mmasm.utils import mmasm_config_root

NUM_ITERS = 2


def test_two_cpu_ranks_of_classification_asm_end_identical(tmp_path):
    digits = make_tiny_digits(tmp_path)
    config = tmp_path / 'asm_digits_dist.py'
    root = digits['root']
    config.write_text(f"""
_base_ = ['{mmasm_config_root()}/demo_digits/asm_digits.py']
runner_type = 'mmasm.CPUDistRunner'
custom_imports = dict(imports=['mmasm', 'rank_state_hook'])
train_dataloader = dict(batch_size=2, dataset=dict(data_root='{root}'))
val_dataloader = dict(dataset=dict(data_root='{root}'))
test_dataloader = val_dataloader
train_cfg = dict(max_iters={NUM_ITERS}, val_interval={NUM_ITERS})
default_hooks = dict(logger=dict(interval=1))
custom_hooks = [
    dict(_base_.custom_hooks[0], rain_checkpoint='{digits["rain"]}',
         target='{digits["one_shot"]}', search_depth=2, vis_interval=0),
    dict(type='mmasm.RankStateDumpHook'),
]
""")
    work_dir = tmp_path / 'work_dir'
    log_path = tmp_path / 'train.log'
    process = start_tool([
        'bash', REPO_ROOT / 'tools' / 'dist_train.sh', config, '2',
        '--work-dir', work_dir
    ],
                         log_path,
                         PYTHON=sys.executable,
                         PORT=str(free_port()))
    log = finish_tool(process, log_path)
    assert f'Iter(train) [{NUM_ITERS}/{NUM_ITERS}]' in log
    assert 'asm_loss_depth1' in log
    states = [
        torch.load(
            work_dir / f'rank{rank}_{when}.pth',
            map_location='cpu',
            weights_only=True) for rank in (0, 1) for when in ('init', 'final')
    ]
    init0, final0, _, final1 = [s['state_dict'] for s in states]
    assert states[1]['wrapper'] == 'MMDistributedDataParallel'
    assert [k for k in final0 if not torch.equal(final0[k], final1[k])] == []
    assert any(not torch.equal(init0[k], final0[k]) for k in final0)
