"""Fixtures of the ASH model tests (their helpers: ``ash_setup.py``)."""
import pytest
from ash_setup import first_batch_inputs, record_two_iterations, write_files


@pytest.fixture(scope='module')
def ash_files(tmp_path_factory):
    """Tiny Cityscapes data, a random RAIN and a style folder."""
    return write_files(tmp_path_factory.mktemp('ash_data'))


@pytest.fixture(scope='module')
def ash_run(tmp_path_factory, ash_files):
    """A 2-iteration ASH run that recorded its batches."""
    return record_two_iterations(
        tmp_path_factory.mktemp('ash_run') / 'work', ash_files)


@pytest.fixture
def ash_inputs(ash_run):
    """That run's first batch with the segmentor's logits and styles."""
    return first_batch_inputs(ash_run)
