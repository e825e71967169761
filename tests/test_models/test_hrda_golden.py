"""mmasm's HRDA head reproduces golden values that the authors' HRDAHead
(lhoyer/HRDA, with DAFormer's decoder) computed on fixed inputs: fused /
context / detail logits, scale attention, fused and detail losses with
pixel weights, gradients, sliding detail inference (to 1e-5). The fixture
was written by tools/benchmarks/bench_hrda_vs_authors.py --save-golden;
this test needs none of the authors' code."""
import pytest
import torch
from utils import REPO_ROOT

from mmasm.models.decode_heads import HRDAHead
from tools.benchmarks.bench_hrda_vs_authors import (build_mmasm_head,
                                                    max_differences, run_mmasm,
                                                    unflatten_state)

GOLDEN = REPO_ROOT / 'tests' / 'data' / 'hrda_golden.pt'


@pytest.fixture(scope='module')
def golden():
    values = torch.load(str(GOLDEN), weights_only=True)
    values['inputs']['label'] = values['inputs']['label'].long()
    return values


def test_mmasm_reproduces_the_authors_hrda_head(golden):
    like = build_mmasm_head(None).state_dict()
    head = build_mmasm_head(unflatten_state(golden['state'], like))
    assert isinstance(head, HRDAHead)
    differences = max_differences(golden['expected'],
                                  run_mmasm(head, golden['inputs']))
    assert set(differences) == {
        'fused', 'context', 'detail', 'attention', 'loss_fused', 'loss_detail',
        'param_grads', 'feature_grads', 'slide_fused'
    }
    assert max(differences.values()) <= 1e-5, differences
    assert float(golden['expected']['loss_detail']) > 0


def test_a_different_detail_weight_breaks_the_agreement(golden):
    like = build_mmasm_head(None).state_dict()
    head = build_mmasm_head(unflatten_state(golden['state'], like))
    head.hr_loss_weight = 0.2
    differences = max_differences(golden['expected'],
                                  run_mmasm(head, golden['inputs']))
    assert differences['loss_detail'] > 1e-3
