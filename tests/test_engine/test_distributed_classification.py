"""Classification ASM on 2 CPU ranks (gloo, ``tools/train.py --launcher
pytorch`` under torchrun, ``runner_type='mmasm.CPUDistRunner'`` in an
mmpretrain config; a run of the suite's one two-rank launch,
``two_rank_runs`` in conftest.py): both ranks end with identical weights."""
import pytest
import torch
from utils import make_tiny_digits, run_log

from mmasm.utils import mmasm_config_root

NUM_ITERS = 2


def write_run(root):
    """The digits demo's ASM config on tiny digits, NUM_ITERS iterations on
    2 ranks (``work_dir``)."""
    digits = make_tiny_digits(root)
    config = root / 'asm_digits_dist.py'
    config.write_text(f"""
_base_ = ['{mmasm_config_root()}/demo_digits/asm_digits.py']
runner_type = 'mmasm.CPUDistRunner'
custom_imports = dict(imports=['mmasm', 'rank_state_hook'])
train_dataloader = dict(batch_size=2, dataset=dict(data_root='{digits['root']}'))
val_dataloader = dict(dataset=dict(data_root='{digits['root']}'))
test_dataloader = val_dataloader
train_cfg = dict(max_iters={NUM_ITERS}, val_interval={NUM_ITERS})
default_hooks = dict(logger=dict(interval=1))
custom_hooks = [
    dict(_base_.custom_hooks[0], rain_checkpoint='{digits["rain"]}',
         target='{digits["one_shot"]}', search_depth=2, vis_interval=0),
    dict(type='mmasm.RankStateDumpHook'),
]
""")
    return [[config, '--work-dir', root / 'work_dir']]


@pytest.mark.two_rank_runs(write=write_run)
def test_two_cpu_ranks_of_classification_asm_end_identical(two_rank_runs):
    work_dir = two_rank_runs[write_run] / 'work_dir'
    log = run_log(work_dir)
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
