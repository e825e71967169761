"""The package's layer order and import hygiene.

Layers import leftwards only: ``utils -> models -> datasets -> engine ->
apis -> demo`` (``registry`` and ``version`` sit with ``utils``;
``evaluation`` and ``visualization`` with ``engine``), and every module
imports on its own in a fresh interpreter, whatever was imported before.
"""
import ast
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import mmasm

PACKAGE_DIR = Path(mmasm.__file__).parent
LAYERS = {
    'registry': 0,
    'version': 0,
    'utils': 0,
    'models': 1,
    'datasets': 2,
    'engine': 3,
    'evaluation': 3,
    'visualization': 3,
    'apis': 4,
    'demo': 5,
}


def package_modules():
    """Every module of mmasm, by dotted name, with its file."""
    modules = {'mmasm': PACKAGE_DIR / '__init__.py'}
    for info in pkgutil.walk_packages([str(PACKAGE_DIR)], prefix='mmasm.'):
        parts = info.name.split('.')[1:]
        path = PACKAGE_DIR.joinpath(*parts)
        modules[
            info.
            name] = path / '__init__.py' if info.ispkg else path.with_suffix(
                '.py')
    return modules


MODULES = package_modules()


def layer_of(module: str) -> int:
    return LAYERS[module.split('.')[1]]


def imported_modules(module: str, path: Path):
    """mmasm modules named by the import statements of a file (anywhere in
    it: inside functions too), resolved to absolute names."""
    package = module if path.name == '__init__.py' else module.rpartition(
        '.')[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                anchor = package.split('.')
                anchor = anchor[:len(anchor) - node.level + 1]
                base = '.'.join(anchor + ([base] if base else []))
            names = [base]
        else:
            continue
        yield from (name for name in names if name.startswith('mmasm.'))


def test_every_top_level_part_has_a_layer():
    parts = {name.split('.')[1] for name in MODULES if name != 'mmasm'}
    assert parts <= set(LAYERS), parts - set(LAYERS)


@pytest.mark.parametrize('module', sorted(m for m in MODULES if m != 'mmasm'))
def test_imports_point_leftwards(module):
    own = layer_of(module)
    wrong = [
        name for name in imported_modules(module, MODULES[module])
        if name.split('.')[1] in LAYERS and layer_of(name) > own
    ]
    assert not wrong, f'{module} (layer {own}) imports layers to its right: {wrong}'


def test_each_module_imports_on_its_own():
    """One process per module, forked from a parent that imported the
    third-party stack but no mmasm module: an import cycle, or a module that
    only works after another one was imported, fails here."""
    probe = (
        'import sys\n'
        'import torch, mmengine.model, mmseg.models, mmseg.datasets  # noqa\n'
        'from layers_child import run\n'
        'sys.exit(run(sys.argv[1:]))\n')
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(
            [str(Path(__file__).parent),
             os.environ.get('PYTHONPATH', '')]))
    result = subprocess.run([sys.executable, '-c', probe, *sorted(MODULES)],
                            capture_output=True,
                            text=True,
                            env=env)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
