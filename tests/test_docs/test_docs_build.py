"""The documentation builds with warnings as errors, as README and
get_started say: ``sphinx-build -W -b html docs/en docs/en/_build/html``."""
import subprocess
import sys

from utils import REPO_ROOT, tool_env

DOCS = REPO_ROOT / 'docs' / 'en'


def test_docs_build_without_warnings(tmp_path):
    """Needs requirements/docs.txt (part of the tests extra)."""
    out = tmp_path / 'html'
    command = [
        sys.executable, '-m', 'sphinx', '-W', '--keep-going', '-q', '-j', '1',
        '-b', 'html', '-d',
        str(tmp_path / 'doctrees'),
        str(DOCS),
        str(out)
    ]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=300,
        env=tool_env(),
        cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr[-4000:]
    # every page of the tree was written, the API page with its classes
    for page in ('index', 'get_started', 'api', 'model_zoo', 'changelog',
                 'methods/asm', 'benchmarks/demo', 'user_guides/configs'):
        assert (out / f'{page}.html').is_file(), page
    api = (out / 'api.html').read_text()
    for obj in ('mmasm.engine.hooks.ASMHook', 'mmasm.models.rain.RAIN',
                'mmasm.apis.stylize', 'mmasm.models.uda.DACS'):
        assert f'id="{obj}"' in api, f'{obj} missing from the API page'
    assert (out / '_images' / 'quickstart_search_depths.png').is_file()
