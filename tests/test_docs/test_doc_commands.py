"""Every repository file a command in the documentation names exists (the
bash blocks of docs/en/**/*.md and configs/*/README.md)."""
from markdown_commands import markdown_commands, repo_paths
from utils import REPO_ROOT


def test_every_path_in_the_docs_commands_exists():
    pages = sorted((REPO_ROOT / 'docs' / 'en').rglob('*.md'))
    pages += sorted((REPO_ROOT / 'configs').glob('*/README.md'))
    checked, missing = 0, []
    for page in pages:
        if '_build' in page.parts:
            continue
        for line in markdown_commands(page):
            for path in repo_paths(line):
                checked += 1
                if not (REPO_ROOT / path).exists():
                    missing.append(f'{page.relative_to(REPO_ROOT)}: {path}')
    assert checked >= 50
    assert not missing, missing
