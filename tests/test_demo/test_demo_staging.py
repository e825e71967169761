"""Interrupted demo generation leaves no staging folder: SIGTERM cleans up
at once; after SIGKILL the next run removes the stale folder (never a
running writer's)."""
import os
import signal
import subprocess
import sys
import time

from utils import REPO_ROOT, tool_env

from mmasm.demo.domains import make_demo_domains
from mmasm.demo.domains.staging import stale_staging_folders

MICRO = dict(num_source=2, num_target_train=1, num_target_val=2, size=(64, 32))


def interrupt_generation(out_dir, sig):
    """Start ``tools/make_demo_domains.py`` (300 images, seconds of work),
    send ``sig`` once its staging folder exists; return its exit status."""
    process = subprocess.Popen([
        sys.executable, REPO_ROOT / 'tools' / 'make_demo_domains.py', out_dir
    ],
                               env=tool_env(),
                               stderr=subprocess.PIPE,
                               text=True)
    deadline = time.monotonic() + 120
    while not any('.tmp-' in name for name in os.listdir(out_dir.parent)):
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(sig)
    process.communicate(timeout=60)
    return process.returncode


def test_sigterm_removes_the_staging_folder(tmp_path):
    assert interrupt_generation(tmp_path / 'demo',
                                signal.SIGTERM) == 128 + signal.SIGTERM
    assert os.listdir(tmp_path) == []


def test_next_run_removes_stale_staging_folders(tmp_path):
    out_dir = tmp_path / 'demo'
    assert interrupt_generation(out_dir, signal.SIGKILL) == -signal.SIGKILL
    killed = [name for name in os.listdir(tmp_path) if '.tmp-' in name]
    assert len(killed) == 1
    legacy = tmp_path / '.demo.tmp-abc123'  # left by an older version
    legacy.mkdir()
    running = tmp_path / f'.demo.tmp-{os.getpid()}-xyz'  # a live writer's
    running.mkdir()
    assert stale_staging_folders(str(out_dir)) == sorted(
        str(tmp_path / name) for name in [*killed, legacy.name])
    make_demo_domains(str(out_dir), **MICRO)
    assert sorted(os.listdir(tmp_path)) == sorted(['demo', running.name])
