"""The README is the entrance: short, and every command in it works as
written (its files exist, its tools start)."""
import json
import re
import subprocess
import sys
import textwrap

from markdown_commands import (bash_blocks, command_lines, markdown_commands,
                               python_tools, repo_paths)
from utils import REPO_ROOT, tool_env

README = REPO_ROOT / 'README.md'
TEST_COMMAND = ('python3 -m venv .venv && .venv/bin/pip install -e ".[tests]" '
                '&& .venv/bin/python -m pytest tests')


def test_readme_is_short():
    assert len(README.read_text().splitlines()) <= 350


def test_readme_keeps_the_ci_test_command():
    commands = markdown_commands(README)
    assert TEST_COMMAND in commands
    ci = (REPO_ROOT / '.ci' / 'run').read_text().splitlines()
    assert TEST_COMMAND in ci


def test_parsing_finds_paths_and_tools():
    block = bash_blocks(
        textwrap.dedent('''\
        ```bash
        python tools/a.py configs/x/{b,c}_d.py \\
            --cfg-options k=configs/e.py   # comment tools/z.py
        python -m tools.benchmarks.bench_x --out work_dirs/x.json
        python -m tools.benchmarks.generalisation --split dev
        ```
        '''))
    assert len(block) == 1
    line, module_line, package_line = command_lines(block[0])
    assert repo_paths(line) == [
        'tools/a.py', 'configs/x/b_d.py', 'configs/x/c_d.py', 'configs/e.py'
    ]
    assert python_tools(line) == ['tools/a.py']
    assert repo_paths(module_line) == ['tools/benchmarks/bench_x.py']
    assert python_tools(module_line) == ['tools.benchmarks.bench_x']
    assert repo_paths(package_line) == [
        'tools/benchmarks/generalisation/__main__.py'
    ]


def test_every_path_in_the_readme_commands_exists():
    paths = [p for line in markdown_commands(README) for p in repo_paths(line)]
    assert len(paths) >= 10
    missing = [p for p in paths if not (REPO_ROOT / p).exists()]
    assert not missing, f'README commands name missing files: {missing}'


def test_every_relative_link_in_the_readme_exists():
    links = re.findall(r'\]\(([^)#\s]+)(?:#[^)]*)?\)', README.read_text())
    local = [link for link in links if '://' not in link]
    assert len(local) >= 10
    missing = [link for link in local if not (REPO_ROOT / link).exists()]
    assert not missing, f'README links to missing files: {missing}'


# One interpreter runs every tool's ``--help`` as ``__main__`` (the imports
# are paid once), a script by its path, a ``python -m`` module by its name;
# each tool's exit status is reported.
_HELP_ALL = '''
import contextlib, io, json, runpy, sys
codes = {}
for tool in sys.argv[1:]:
    sys.argv = [tool, '--help']
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            if '/' in tool:
                runpy.run_path(tool, run_name='__main__')
            else:
                runpy.run_module(tool, run_name='__main__', alter_sys=True)
        codes[tool] = 'returned without exiting'
    except SystemExit as exc:
        codes[tool] = [exc.code or 0, 'usage:' in out.getvalue()]
print(json.dumps(codes))
'''


def test_every_readme_tool_answers_help():
    tools = sorted(
        {t
         for line in markdown_commands(README)
         for t in python_tools(line)})
    assert 'tools/train.py' in tools and 'tools/quickstart.py' in tools
    result = subprocess.run([sys.executable, '-c', _HELP_ALL, *tools],
                            capture_output=True,
                            text=True,
                            timeout=180,
                            env=tool_env(),
                            cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    codes = json.loads(result.stdout.strip().splitlines()[-1])
    assert sorted(codes) == tools
    for tool, (code, printed_usage) in codes.items():
        assert code == 0, f'{tool} --help exited {code}'
        assert printed_usage, f'{tool} --help printed no usage'
