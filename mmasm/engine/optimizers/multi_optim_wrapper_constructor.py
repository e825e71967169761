"""One optimiser wrapper per network of a multi-network model."""
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapperDict
from mmasm.registry import OPTIM_WRAPPER_CONSTRUCTORS
from mmasm.utils import unwrap_model


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class MultiNetworkOptimWrapperConstructor:
    """Builds an ``OptimWrapperDict`` with one optimiser wrapper per key of
    ``optim_wrapper_cfg``, over the parameters of the model's attribute of
    that name (what mmagic's ``MultiOptimWrapperConstructor`` does; mmengine
    ships none). For GAN-style models whose ``train_step`` updates each part
    with its own wrapper::

        optim_wrapper = dict(
            constructor='MultiNetworkOptimWrapperConstructor',
            translator=dict(type='OptimWrapper', optimizer=dict(
                type='Adam', lr=1e-3, betas=(0.5, 0.999))),
            discriminator=dict(type='OptimWrapper', optimizer=dict(
                type='Adam', lr=1e-3, betas=(0.5, 0.999))))

    Each value may hold a ``paramwise_cfg`` for its own
    ``DefaultOptimWrapperConstructor``.
    """

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg=None):
        if paramwise_cfg is not None:
            raise ValueError('MultiNetworkOptimWrapperConstructor: put '
                             'paramwise_cfg inside each sub-module\'s entry '
                             f'(one of {sorted(optim_wrapper_cfg)})')
        if not optim_wrapper_cfg or not all(
                isinstance(v, dict) and 'optimizer' in v
                for v in optim_wrapper_cfg.values()):
            raise ValueError(
                'MultiNetworkOptimWrapperConstructor: optim_wrapper must map '
                'sub-module names to wrapper configs with an `optimizer`, '
                f'got keys {sorted(optim_wrapper_cfg)}')
        self.optim_wrapper_cfg = optim_wrapper_cfg

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
                cfg, paramwise_cfg)(unwrap_model(module))
        return OptimWrapperDict(**wrappers)
