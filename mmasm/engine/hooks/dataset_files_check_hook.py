"""Check every file a run's datasets will read before the first iteration."""
import time
from typing import Iterator, List, Tuple

from mmengine.dataset import BaseDataset
from mmengine.hooks import Hook
from mmengine.logging import print_log

from mmasm.registry import HOOKS
from mmasm.utils.image_files import check_image_files

#: Keys of a dataset's data info that name files the pipeline reads.
FILE_KEYS = ('img_path', 'seg_map_path')
#: Attributes under which wrapper datasets keep the datasets they draw
#: from (mmengine's Concat/Repeat/ClassBalanced, mmasm's UDA and
#: content-style datasets).
CHILD_ATTRIBUTES = ('datasets', 'dataset', 'source', 'target', 'content',
                    'style')


def dataset_files(dataset, name: str) -> Iterator[Tuple[str, str]]:
    """``(where, path)`` of every image / label file of ``dataset`` and the
    datasets it wraps."""
    if isinstance(dataset, BaseDataset):
        dataset.full_init()
        where = f'{name} ({type(dataset).__name__}, {dataset.data_root})'
        for index in range(len(dataset)):
            info = dataset.get_data_info(index)
            for key in FILE_KEYS:
                if isinstance(info.get(key), str):
                    yield where, info[key]
        return
    for attribute in CHILD_ATTRIBUTES:
        child = getattr(dataset, attribute, None)
        children = child if isinstance(child, (list, tuple)) else [child]
        for index, each in enumerate(c for c in children if c is not None):
            label = f'{name}.{attribute}' + (f'[{index}]'
                                             if len(children) > 1 else '')
            yield from dataset_files(each, label)


class FileNamingPipeline:
    """A dataset's pipeline whose errors name the sample's files: a file
    that passes the cheap checks but cannot be decoded (or that changed
    after them) fails with ``RuntimeError: reading IMG / LABEL: ...``
    instead of a bare ``cv2.error``."""

    def __init__(self, pipeline):
        self.pipeline = pipeline

    def __call__(self, results: dict):
        files = [
            results[k] for k in FILE_KEYS if isinstance(results.get(k), str)
        ]
        try:
            return self.pipeline(results)
        except Exception as err:
            raise RuntimeError(f'reading {" / ".join(files) or "a sample"}: '
                               f'{type(err).__name__}: {err}') from err

    def __repr__(self) -> str:
        return repr(self.pipeline)


def name_files_in_errors(dataset) -> None:
    """Make ``dataset`` and the datasets it wraps name their sample's files
    in pipeline errors (:class:`FileNamingPipeline`); idempotent."""
    if isinstance(dataset, BaseDataset):
        if not isinstance(dataset.pipeline, FileNamingPipeline):
            dataset.pipeline = FileNamingPipeline(dataset.pipeline)
        return
    for attribute in CHILD_ATTRIBUTES:
        child = getattr(dataset, attribute, None)
        for each in child if isinstance(child, (list, tuple)) else [child]:
            if each is not None:
                name_files_in_errors(each)


@HOOKS.register_module()
class DatasetFilesCheckHook(Hook):
    """Before the first training (or test) iteration, check the size,
    header and trailer (:func:`~mmasm.utils.image_files.image_file_problem`)
    of every image and label file of the train, val and test datasets,
    wrapped ones included (UDA source and target, content and style),
    raising one error that names the bad files; and make a failure while a
    sample is read name its files (:class:`FileNamingPipeline`).

    A zero-byte validation image otherwise failed after the whole training
    with an unnamed ``cv2.error``, a truncated PNG whenever it was drawn.
    Cost: two small reads per file, about 0.1 s per 1000 files from the
    page cache (measured in the reliability guide), more on a cold network
    file system; the time is logged.
    """
    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        self._check(runner, ('train', 'val'))

    def before_test(self, runner) -> None:
        self._check(runner, ('test', ))

    def _check(self, runner, phases: Tuple[str, ...]) -> None:
        start = time.perf_counter()
        by_where = {}
        for phase in phases:
            dataset = _phase_dataset(runner, phase)
            if dataset is not None:
                name_files_in_errors(dataset)
                for where, path in dataset_files(dataset, f'{phase} dataset'):
                    by_where.setdefault(where, []).append(path)
        files: List[str] = []
        errors: List[str] = []
        for where, paths in by_where.items():
            try:
                files += check_image_files(sorted(set(paths)), where)
            except ValueError as err:
                errors.append(str(err))
        if errors:
            raise ValueError(
                'dataset files that cannot be read (checked before '
                'the first iteration):\n' + '\n'.join(errors))
        if files:
            print_log(
                f'checked {len(files)} dataset files (size, header, trailer) '
                f'in {time.perf_counter() - start:.2f} s',
                logger='current')


def _phase_dataset(runner, phase: str):
    """The dataset of ``runner``'s ``phase`` loop, if it has one."""
    loop = getattr(runner, f'_{phase}_loop', None)
    dataloader = getattr(loop, 'dataloader', None)
    return getattr(dataloader, 'dataset', None)
