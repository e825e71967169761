"""Sphinx configuration of mmasm's English documentation.

Build (warnings are errors)::

    sphinx-build -W -b html docs/en docs/en/_build/html
"""
import os
import os.path as osp
import sys

HERE = osp.dirname(osp.abspath(__file__))
ROOT = osp.abspath(osp.join(HERE, '..', '..'))
sys.path.insert(0, ROOT)  # document this checkout's mmasm
os.environ.setdefault('OMP_NUM_THREADS', '1')


def _version():
    scope = {}
    with open(osp.join(ROOT, 'mmasm', 'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


project = 'mmasm'
copyright = '2026, mmasm contributors'
author = 'mmasm contributors'
version = release = _version()

extensions = [
    'myst_parser',
    'sphinx.ext.autodoc',
]
source_suffix = {'.md': 'markdown'}
root_doc = 'index'
exclude_patterns = ['_build', 'Thumbs.db', '.DS_Store']

# MyST: ```{directive} fences, $math$, anchors for ## and ### headings so
# pages can link to [text](page.md#a-heading).
myst_enable_extensions = ['colon_fence', 'dollarmath', 'deflist']
myst_heading_anchors = 4
# A page may start at any heading level it likes (pages are moved sections).
suppress_warnings = ['myst.header']

# autodoc: mmasm's docstrings are plain text (Google-style sections, double
# backticks), not reStructuredText; they are shown as written (see setup).
autodoc_default_options = {
    'members': True,
    'undoc-members': False,
    'show-inheritance': True,
}
autodoc_member_order = 'bysource'
autodoc_typehints = 'description'
autoclass_content = 'class'

html_theme = 'furo'
html_title = f'mmasm {release}'
html_static_path = ['_static']


def _docstring_as_written(app, what, name, obj, options, lines):
    """Show a plain-text docstring verbatim, as a preformatted block: no
    docstring (``**kwargs``, indented notes) can break the build."""
    text = [line.rstrip() for line in lines]
    while text and not text[-1]:
        text.pop()
    if not text:
        return
    lines[:] = ['::', ''] + ['    ' + line for line in text] + ['']


def _skip_private(app, what, name, obj, skip, options):
    # The API pages show public members only.
    if name.startswith('_') and not name.startswith('__'):
        return True
    return None


def setup(app):
    app.connect('autodoc-process-docstring', _docstring_as_written)
    app.connect('autodoc-skip-member', _skip_private)
