# configs/ash/ash_demo.py plus a diagnostic: the relative update
# norm ||theta_t - theta_0|| / ||theta_0|| of ASH's conditioning net (the
# hallucinator's only trained part) and of the segmentor every 50 iterations,
# logged as drift/<name> (vis_data/scalars.json). Training is unchanged.
#   python tools/train.py configs/ash/ash_demo-drift.py
_base_ = ['./ash_demo.py']
custom_hooks = [
    dict(
        type='mmasm.ParameterDriftHook',
        interval=50,
        modules=dict(
            hallucinator='hallucinator.conditioning_net',
            segmentor='segmentor'))
]
