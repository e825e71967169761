"""One optimiser wrapper per network of a multi-network model."""
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapperDict

from mmasm.registry import OPTIM_WRAPPER_CONSTRUCTORS
from mmasm.utils import unwrap_model

#: The network that the top-level keys of a single-wrapper config train.
TOP_LEVEL_NETWORK = 'segmentor'


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class MultiNetworkOptimWrapperConstructor:
    """Builds an ``OptimWrapperDict`` with one optimiser wrapper per network
    entry of ``optim_wrapper_cfg``, over the parameters of the model's
    attribute of that name (what mmagic's ``MultiOptimWrapperConstructor``
    does; mmengine ships none). For GAN-style models whose ``train_step``
    updates each part with its own wrapper::

        optim_wrapper = dict(
            constructor='MultiNetworkOptimWrapperConstructor',
            translator=dict(type='OptimWrapper', optimizer=dict(
                type='Adam', lr=1e-3, betas=(0.5, 0.999))),
            discriminator=dict(type='OptimWrapper', optimizer=dict(
                type='Adam', lr=1e-3, betas=(0.5, 0.999))))

    Each entry may hold a ``paramwise_cfg`` for its own
    ``DefaultOptimWrapperConstructor``. A network entry is a dict with an
    ``optimizer``.

    The keys of an ordinary single-wrapper config (``type``, ``optimizer``,
    ``clip_grad``, ``accumulative_counts``, ..., and a top-level
    ``paramwise_cfg``) are the ``segmentor``'s entry. So a multi-network
    segmentation algorithm adds its networks' entries to an mmseg config's
    own ``optim_wrapper`` by merging, without ``_delete_``::

        optim_wrapper = dict(               # merged into the mmseg config's
            constructor='mmasm.MultiNetworkOptimWrapperConstructor',
            hallucinator=dict(type='OptimWrapper', optimizer=...),
            discriminator=dict(type='OptimWrapper', optimizer=...))

    Giving both top-level keys and a ``segmentor`` entry is an error.
    """

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg=None):
        networks = {
            name: cfg
            for name, cfg in optim_wrapper_cfg.items()
            if isinstance(cfg, dict) and 'optimizer' in cfg
        }
        top_level = {
            key: value
            for key, value in optim_wrapper_cfg.items() if key not in networks
        }
        if paramwise_cfg is not None:
            top_level['paramwise_cfg'] = paramwise_cfg
        if set(top_level) - {'_scope_'
                             }:  # `pkg::` bases tag dicts with a scope
            networks = self._with_top_level(networks, top_level)
        if not networks:
            raise ValueError(
                'MultiNetworkOptimWrapperConstructor: optim_wrapper must map '
                'network names to wrapper configs with an `optimizer`, '
                f'got keys {sorted(optim_wrapper_cfg)}')
        self.optim_wrapper_cfg = networks

    @staticmethod
    def _with_top_level(networks: dict, top_level: dict) -> dict:
        """``networks`` plus the ``segmentor`` entry the top-level keys make."""
        if 'optimizer' not in top_level:
            raise ValueError(
                'MultiNetworkOptimWrapperConstructor: the top-level keys '
                f'{sorted(top_level)} of optim_wrapper are not a wrapper config '
                '(no `optimizer`); put them inside a network entry '
                f'(one of {sorted(networks)})')
        if TOP_LEVEL_NETWORK in networks:
            raise ValueError(
                'MultiNetworkOptimWrapperConstructor: optim_wrapper has both '
                f'top-level wrapper keys {sorted(top_level)} and a '
                f'`{TOP_LEVEL_NETWORK}` entry; keep one of them')
        return dict(networks, **{TOP_LEVEL_NETWORK: top_level})

    def __call__(self, model) -> OptimWrapperDict:
        model = unwrap_model(model)
        wrappers = {}
        for name, cfg in self.optim_wrapper_cfg.items():
            module = getattr(model, name, None)  # a DDP per network, or not
            if module is None:
                raise ValueError(
                    f'MultiNetworkOptimWrapperConstructor: the model '
                    f'{type(model).__name__} has no sub-module `{name}` for '
                    f'optim_wrapper.{name}')
            cfg = dict(cfg)
            paramwise_cfg = cfg.pop('paramwise_cfg', None)
            wrappers[name] = DefaultOptimWrapperConstructor(
                cfg, paramwise_cfg)(
                    unwrap_model(module))
        return OptimWrapperDict(**wrappers)
