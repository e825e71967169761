"""Commands and file paths in Markdown bash blocks (README.md, docs/en/)."""
import itertools
import re
import shlex
from pathlib import Path

# Repository paths a command may name: tools, configs, requirements, docs.
PATH_PREFIXES = ('configs/', 'tools/', 'requirements/', 'docs/')
REPO_ROOT = Path(__file__).resolve().parents[2]
_MODULE_RUN = r'python3? -m (tools(?:\.\w+)+)'

_FENCE = re.compile(r'^```bash\n(.*?)^```', re.S | re.M)
_BRACES = re.compile(r'\{([^{}]*,[^{}]*)\}')


def bash_blocks(markdown):
    """The text of every ```bash fenced block."""
    return _FENCE.findall(markdown)


def command_lines(block):
    """Each command of a block: continuation lines joined, comments cut."""
    joined = block.replace('\\\n', ' ')
    lines = []
    for line in joined.splitlines():
        line = line.split(' #')[0].strip()
        if line and not line.startswith('#'):
            lines.append(line)
    return lines


def expand_braces(word):
    """Shell brace expansion: ``a/{b,c}.py`` -> ``a/b.py``, ``a/c.py``."""
    parts = _BRACES.split(word)
    choices = [[p] if i % 2 == 0 else p.split(',')
               for i, p in enumerate(parts)]
    return [''.join(c) for c in itertools.product(*choices)]


def repo_paths(line):
    """Repository paths a command line names (``$VAR`` words and build
    outputs such as ``docs/en/_build/html`` skipped)."""
    try:
        words = shlex.split(line)
    except ValueError:
        words = line.split()
    paths = [module_path(name) for name in re.findall(_MODULE_RUN, line)]
    for word in words:
        word = word.split('=', 1)[-1] if '=' in word else word
        if (word.startswith(PATH_PREFIXES) and '$' not in word
                and '/_build' not in word):
            paths += expand_braces(word)
    return paths


def module_path(module):
    """The file ``python -m module`` runs (``tools.benchmarks.x`` ->
    ``tools/benchmarks/x.py``, or a package's ``__main__.py``)."""
    base = module.replace('.', '/')
    package_main = f'{base}/__main__.py'
    return package_main if (REPO_ROOT / base).is_dir() else f'{base}.py'


def python_tools(line):
    """``tools/X.py`` scripts a line runs with python, and the modules it
    runs with ``python -m`` (``tools.benchmarks.x``)."""
    return (re.findall(r'python3? (tools/[\w/]+\.py)', line) +
            re.findall(_MODULE_RUN, line))


def markdown_commands(path: Path):
    """All command lines of a Markdown file's bash blocks."""
    text = path.read_text()
    return [
        line for block in bash_blocks(text) for line in command_lines(block)
    ]
