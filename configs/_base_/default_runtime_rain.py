# Runtime of RAIN pretraining: mmasm's default runtime, a fixed seed,
# stylization grids through the visualizer and the generator exported as a
# plain state dict (work_dir/rain_final.pth) at the end of training.
_base_ = ['./default_runtime.py']
randomness = dict(seed=0)
# No fixed `name`: the Runner then names the visualizer after the experiment,
# so a second run in the same process gets its own (and its own save_dir)
# instead of reusing the first run's global instance.
visualizer = dict(
    type='Visualizer',
    _delete_=True,
    vis_backends=[dict(type='LocalVisBackend')])
custom_hooks = [
    dict(
        type='RAINVisualizationHook',
        interval=1000,
        num_images=4,
        num_random=2),
    dict(type='WeightsExportHook', filename='rain_final.pth'),
]
