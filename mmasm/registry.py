"""mmasm's registry nodes: one child of each of mmseg's, in the scope
``mmasm`` (as mmseg's own ``registry.py`` does with mmengine's).

Configs select the scope with ``default_scope = 'mmasm'`` (mmasm's
``_base_`` pieces set it): a type is looked up in mmasm's node first and
then in mmseg's and mmengine's, so one config mixes mmasm's and mmseg's
modules freely. Configs of other toolkits (e.g. ``default_scope =
'mmpretrain'``) name mmasm's modules with the scope prefix:
``type='mmasm.ASMHook'``; :func:`join_toolkit` lists mmasm's nodes among
that toolkit's children so that its registries resolve the prefix (mmengine
looks a prefixed name up among the children of the registry it searches,
then of the root, and mmasm's nodes are grandchildren of the root). Each
node imports its ``locations`` the first time it is searched (mmseg's
modules as well as mmasm's), so a config needs no ``custom_imports``.
"""
import sys
from importlib import import_module

from mmengine.registry import Registry
from mmseg.registry import DATA_SAMPLERS as MMSEG_DATA_SAMPLERS
from mmseg.registry import DATASETS as MMSEG_DATASETS
from mmseg.registry import EVALUATOR as MMSEG_EVALUATOR
from mmseg.registry import HOOKS as MMSEG_HOOKS
from mmseg.registry import INFERENCERS as MMSEG_INFERENCERS
from mmseg.registry import LOG_PROCESSORS as MMSEG_LOG_PROCESSORS
from mmseg.registry import LOOPS as MMSEG_LOOPS
from mmseg.registry import METRICS as MMSEG_METRICS
from mmseg.registry import MODEL_WRAPPERS as MMSEG_MODEL_WRAPPERS
from mmseg.registry import MODELS as MMSEG_MODELS
from mmseg.registry import \
    OPTIM_WRAPPER_CONSTRUCTORS as MMSEG_OPTIM_WRAPPER_CONSTRUCTORS
from mmseg.registry import OPTIM_WRAPPERS as MMSEG_OPTIM_WRAPPERS
from mmseg.registry import OPTIMIZERS as MMSEG_OPTIMIZERS
from mmseg.registry import PARAM_SCHEDULERS as MMSEG_PARAM_SCHEDULERS
from mmseg.registry import RUNNER_CONSTRUCTORS as MMSEG_RUNNER_CONSTRUCTORS
from mmseg.registry import RUNNERS as MMSEG_RUNNERS
from mmseg.registry import TASK_UTILS as MMSEG_TASK_UTILS
from mmseg.registry import TRANSFORMS as MMSEG_TRANSFORMS
from mmseg.registry import VISBACKENDS as MMSEG_VISBACKENDS
from mmseg.registry import VISUALIZERS as MMSEG_VISUALIZERS
from mmseg.registry import WEIGHT_INITIALIZERS as MMSEG_WEIGHT_INITIALIZERS

#: The scope of mmasm's registry nodes (``default_scope`` in configs).
SCOPE = 'mmasm'


def _child(name: str, parent: Registry, *locations: str) -> Registry:
    # Every node names a location: a node without one in a scope listed in
    # mmengine's MODULE2PACKAGE would fall back to `mmasm.utils.register_all_modules`.
    return Registry(
        name,
        parent=parent,
        scope=SCOPE,
        locations=list(locations) or ['mmasm.engine'])


RUNNERS = _child('runner', MMSEG_RUNNERS, 'mmasm.engine.runners')
RUNNER_CONSTRUCTORS = _child('runner constructor', MMSEG_RUNNER_CONSTRUCTORS,
                             'mmasm.engine.runners')
LOOPS = _child('loop', MMSEG_LOOPS, 'mmasm.engine')
HOOKS = _child('hook', MMSEG_HOOKS, 'mmseg.engine.hooks', 'mmasm.engine.hooks')
DATASETS = _child('dataset', MMSEG_DATASETS, 'mmseg.datasets',
                  'mmasm.datasets')
DATA_SAMPLERS = _child('data sampler', MMSEG_DATA_SAMPLERS,
                       'mmasm.datasets.samplers')
TRANSFORMS = _child('transform', MMSEG_TRANSFORMS, 'mmseg.datasets.transforms',
                    'mmasm.datasets.transforms')
MODELS = _child('model', MMSEG_MODELS, 'mmseg.models', 'mmasm.models')
MODEL_WRAPPERS = _child('model_wrapper', MMSEG_MODEL_WRAPPERS, 'mmseg.models')
WEIGHT_INITIALIZERS = _child('weight initializer', MMSEG_WEIGHT_INITIALIZERS,
                             'mmseg.models')
OPTIMIZERS = _child('optimizer', MMSEG_OPTIMIZERS, 'mmseg.engine.optimizers')
OPTIM_WRAPPERS = _child('optim_wrapper', MMSEG_OPTIM_WRAPPERS,
                        'mmseg.engine.optimizers', 'mmasm.engine.optimizers')
OPTIM_WRAPPER_CONSTRUCTORS = _child('optimizer wrapper constructor',
                                    MMSEG_OPTIM_WRAPPER_CONSTRUCTORS,
                                    'mmseg.engine.optimizers',
                                    'mmasm.engine.optimizers')
PARAM_SCHEDULERS = _child('parameter scheduler', MMSEG_PARAM_SCHEDULERS,
                          'mmseg.engine.schedulers', 'mmasm.engine.schedulers')
METRICS = _child('metric', MMSEG_METRICS, 'mmseg.evaluation',
                 'mmasm.evaluation')
EVALUATOR = _child('evaluator', MMSEG_EVALUATOR, 'mmseg.evaluation')
TASK_UTILS = _child('task util', MMSEG_TASK_UTILS, 'mmseg.models')
VISUALIZERS = _child('visualizer', MMSEG_VISUALIZERS, 'mmseg.visualization')
VISBACKENDS = _child('vis_backend', MMSEG_VISBACKENDS, 'mmseg.visualization')
LOG_PROCESSORS = _child('log_processor', MMSEG_LOG_PROCESSORS,
                        'mmseg.visualization')
INFERENCERS = _child('inferencer', MMSEG_INFERENCERS, 'mmseg.apis',
                     'mmasm.apis')

#: mmasm's nodes, by the name of the registry module variable they mirror.
NODES = {
    name: node
    for name, node in dict(globals()).items()
    if isinstance(node, Registry) and node.scope == SCOPE
}

#: Toolkits whose configs may name mmasm's modules as ``'mmasm.X'``.
TOOLKITS = ('mmpretrain', )


def join_toolkit(scope: str) -> None:
    """List each of mmasm's nodes as a child of the same registry of the
    toolkit ``scope`` (e.g. ``'mmpretrain'``), so that a config with
    ``default_scope=scope`` builds ``type='mmasm.X'``.

    Only the toolkit's list of children changes: mmasm's nodes keep mmseg's
    as their parents, so unprefixed names in mmasm's scope still resolve
    through mmseg, and a search of the tree for the scope ``'mmasm'`` finds
    the same node whichever path it takes. Idempotent.
    """
    toolkit = import_module(f'{scope}.registry')
    for name, node in NODES.items():
        parent = getattr(toolkit, name, None)
        if isinstance(parent, Registry) and parent.children.get(SCOPE) is None:
            parent.children[SCOPE] = node


def join_imported_toolkits() -> None:
    """:func:`join_toolkit` for each of :data:`TOOLKITS` already imported
    (importing mmpretrain only for that would cost seconds)."""
    for scope in TOOLKITS:
        if f'{scope}.registry' in sys.modules:
            join_toolkit(scope)


join_imported_toolkits()
