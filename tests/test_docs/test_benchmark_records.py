"""The generalisation benchmark's figures in the docs and the README are
those of the record kept beside the page: every table row of the page is a
row of the report rebuilt from the record, and every README headline row
has that arm's mean and interval."""
import re

import pytest
from utils import REPO_ROOT

from mmasm.demo.domains import domain_names
from tools.benchmarks.generalisation.cli import report_from

RECORDS = REPO_ROOT / 'docs' / 'en' / 'benchmarks' / 'records'
PAGE = REPO_ROOT / 'docs' / 'en' / 'benchmarks' / 'generalisation.md'
README = REPO_ROOT / 'README.md'
RECORD = RECORDS / 'generalisation_relu2_1-step1_test.json'


def table_rows(markdown: str):
    """The body rows of every table in ``markdown``."""
    return [
        line for line in markdown.splitlines()
        if line.startswith('| ') and not line.startswith(('| arm |',
                                                          '| comparison |'))
    ]


@pytest.fixture(scope='module')
def report():
    return report_from(str(RECORD), 'test', domain_names('test'))


def test_the_page_shows_the_records_tables(report):
    page = PAGE.read_text()
    rows = table_rows(report)
    assert len(rows) >= 8  # source-only and the arms, then the comparisons
    missing = [row for row in rows if row not in page]
    assert not missing, f'{PAGE.name} lacks these rows of {RECORD.name}'


def test_the_readme_headline_has_each_arms_mean_and_interval(report):
    readme = README.read_text()
    headline = readme[readme.index('## Benchmark'):]
    for row in table_rows(report.split('| comparison |')[0]):
        cells = [cell.strip() for cell in row.strip('|').split('|')]
        mean, interval = cells[1], re.sub(r' \(n=\d+\)$', '', cells[-1])
        pattern = rf'\| \*?\*?{re.escape(mean)}\*?\*? \| \*?\*?' + \
            re.escape(interval)
        assert re.search(pattern, headline), \
            f'README headline lacks {cells[0]}: {mean} {interval}'
