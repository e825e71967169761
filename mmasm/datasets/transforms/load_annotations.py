"""mmseg's ``LoadAnnotations`` that refuses a label map of another size than
its image."""
from mmseg.datasets.transforms import LoadAnnotations as MMSegLoadAnnotations

from mmasm.registry import TRANSFORMS


def check_seg_map_size(results: dict) -> None:
    """Raise if ``gt_seg_map`` and the loaded image (``ori_shape``, its size
    as read) differ in height or width, naming both files."""
    seg_map, image_shape = results.get('gt_seg_map'), results.get('ori_shape')
    if seg_map is None or image_shape is None:
        return
    if tuple(seg_map.shape[:2]) != tuple(image_shape[:2]):
        raise ValueError(
            f'label map {results.get("seg_map_path")} is {seg_map.shape[1]}x'
            f'{seg_map.shape[0]} pixels but its image {results.get("img_path")} is '
            f'{image_shape[1]}x{image_shape[0]}: every pixel needs its label; fix or '
            f'drop this pair (resizing the labels with nearest neighbour if the '
            f'image was rescaled)')


@TRANSFORMS.register_module(name='LoadAnnotations')
class CheckedLoadAnnotations(MMSegLoadAnnotations):
    """mmseg's ``LoadAnnotations`` (same arguments), plus a check that the
    label map has its image's size (load the image first).

    Registered as ``LoadAnnotations`` in mmasm's scope: configs with
    ``default_scope = 'mmasm'`` get it wherever their pipelines say
    ``LoadAnnotations``; other scopes write ``mmasm.LoadAnnotations``.
    mmseg's own transform would let a mismatched pair train silently (crops
    and resizes take the label map along, misaligned).
    """

    def transform(self, results: dict) -> dict:
        results = super().transform(results)
        check_seg_map_size(results)
        return results
