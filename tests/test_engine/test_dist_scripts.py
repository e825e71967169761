"""``tools/dist_train.sh`` / ``dist_test.sh`` work as the README writes them
in a fresh shell: they launch ``$PYTHON``, else the active virtual
environment's, else the repository's ``.venv`` (where the README installs
mmasm), else ``python3`` -- not whatever ``python`` is first on PATH."""
import os
import shutil
import subprocess

import pytest
from utils import REPO_ROOT

SCRIPTS = ('dist_train.sh', 'dist_test.sh', 'dist_python.sh')
FAKE_PYTHON = '#!/bin/sh\necho "$0 $*" > "$(dirname "$0")/launched"\n'


def fake_python(folder, name):
    """An executable ``folder/name`` that records how it was called."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(FAKE_PYTHON)
    path.chmod(0o755)
    return path


@pytest.fixture
def checkout(tmp_path):
    """The scripts in a fresh checkout with a ``.venv``, and a PATH whose
    ``python`` / ``python3`` are other interpreters (a fresh shell)."""
    (tmp_path / 'repo' / 'tools').mkdir(parents=True)
    for script in SCRIPTS:
        shutil.copy(REPO_ROOT / 'tools' / script, tmp_path / 'repo' / 'tools')
    venv = fake_python(tmp_path / 'repo' / '.venv' / 'bin', 'python')
    fake_python(tmp_path / 'system', 'python')
    system3 = fake_python(tmp_path / 'system', 'python3')
    env = {
        k: v
        for k, v in os.environ.items() if k not in ('PYTHON', 'VIRTUAL_ENV')
    }
    env['PATH'] = f'{tmp_path / "system"}:/usr/bin:/bin'
    return dict(repo=tmp_path / 'repo', venv=venv, system3=system3, env=env)


def launch(checkout, script, *args, **env):
    subprocess.run(['bash', checkout['repo'] / 'tools' / script, *args],
                   env=dict(checkout['env'], **env),
                   check=True,
                   timeout=60)


def launched(python):
    return (python.parent / 'launched').read_text().split()


def test_fresh_shell_launches_the_repository_venv(checkout):
    launch(checkout, 'dist_train.sh', 'cfg.py', '2', '--work-dir', 'w')
    command = launched(checkout['venv'])
    assert command[:3] == [
        str(checkout['venv']), '-m', 'torch.distributed.run'
    ]
    assert '--nproc_per_node=2' in command
    assert command[-5:] == [
        'cfg.py', '--launcher', 'pytorch', '--work-dir', 'w'
    ]
    launch(checkout, 'dist_test.sh', 'cfg.py', 'ckpt.pth', '2')
    assert launched(checkout['venv'])[-4:] == [
        'cfg.py', 'ckpt.pth', '--launcher', 'pytorch'
    ]


def test_python_and_virtual_env_take_precedence_then_python3(
        checkout, tmp_path):
    chosen = fake_python(tmp_path / 'chosen', 'python')
    launch(checkout, 'dist_train.sh', 'cfg.py', '1', PYTHON=str(chosen))
    assert launched(chosen)[0] == str(chosen)
    active = fake_python(tmp_path / 'active' / 'bin', 'python')
    launch(
        checkout,
        'dist_train.sh',
        'cfg.py',
        '1',
        VIRTUAL_ENV=str(active.parent.parent))
    assert launched(active)[0] == str(active)
    shutil.rmtree(checkout['repo'] / '.venv')
    launch(checkout, 'dist_train.sh', 'cfg.py', '1')
    assert launched(checkout['system3'])[0] == str(checkout['system3'])
