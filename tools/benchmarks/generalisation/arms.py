"""The generalisation benchmark's arms: which demo config each runs, and
which do not depend on the target (trained once, evaluated on every
domain)."""
from mmasm.demo import DEMO_ARMS

#: arm -> (config relative to mmasm's configs, table label)
ARMS = {
    'source-only': (DEMO_ARMS['source-only'], 'source only'),
    'random': (DEMO_ARMS['random'], 'RAIN, random styles'),
    'anchored': (DEMO_ARMS['anchored'], 'RAIN, anchored styles'),
    'asm': (DEMO_ARMS['asm'], 'ASM'),
    'ash': (DEMO_ARMS['ash'], 'ASH (zero-shot)'),
    'ash-segmentation-loss':
    (DEMO_ARMS['ash-segmentation-loss'], 'ASH (segmentation loss)'),
    'lrm': (DEMO_ARMS['lrm'], 'LRM (one-shot translation)'),
    'self-training-1shot':
    (DEMO_ARMS['self-training-1shot'], 'self-training, one-shot'),
    'asm-self-training-1shot':
    (DEMO_ARMS['asm-self-training-1shot'], 'ASM + self-training, one-shot'),
    'self-training':
    (DEMO_ARMS['self-training'], 'self-training, all target train images'),
    'target-supervised': (DEMO_ARMS['target-supervised'],
                          'target supervised (upper bound)'),
}
#: arms that never see a target image: trained once per seed on the pair
TARGET_FREE = ('source-only', 'random', 'ash', 'ash-segmentation-loss')
#: arms that need the demo RAIN
NEEDS_RAIN = ('random', 'anchored', 'asm', 'ash', 'ash-segmentation-loss',
              'asm-self-training-1shot')
#: arms that need an LRM translator per one-shot image
LRM_ARMS = ('lrm', )
#: the neighbouring comparisons the report gives intervals for
NEIGHBOURS = (
    ('random', 'source-only'),
    ('anchored', 'random'),
    ('asm', 'anchored'),
    ('asm-self-training-1shot', 'asm'),
    ('asm-self-training-1shot', 'self-training-1shot'),
    ('ash-segmentation-loss', 'ash'),
    ('self-training', 'self-training-1shot'),
    ('asm-self-training-1shot', 'self-training'),
)
#: the figure every table reports
METRIC = 'mIoU13'
