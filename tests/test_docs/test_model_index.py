"""model-index.yml and the per-algorithm config pages: every algorithm
folder under configs/ has a README.md and a metafile.yaml, the index
imports every metafile, and every ``Config:`` path exists. mmengine reads
these metafiles whenever it resolves an ``mmasm::`` base, so a malformed
one would break config loading."""
import yaml
from mmengine.config import Config
from utils import REPO_ROOT

CONFIGS = REPO_ROOT / 'configs'
# Folders of configs that are not one algorithm's: the shared pieces and the
# demo pairs' arms (listed in the algorithms' metafiles instead).
NOT_ALGORITHMS = {'_base_', 'demo', 'demo_digits'}


def algorithm_folders():
    return sorted(d for d in CONFIGS.iterdir() if d.is_dir()
                  and d.name not in NOT_ALGORITHMS and d.name != '__pycache__')


def load_index():
    with open(REPO_ROOT / 'model-index.yml') as f:
        return yaml.safe_load(f)


def test_every_algorithm_folder_has_readme_and_metafile():
    folders = algorithm_folders()
    assert len(folders) >= 9
    for folder in folders:
        assert (folder / 'README.md').is_file(), f'{folder.name}: no README.md'
        assert (folder / 'metafile.yaml').is_file(), (
            f'{folder.name}: no metafile.yaml')


def test_index_imports_every_metafile():
    imports = load_index()['Import']
    expected = [f'configs/{d.name}/metafile.yaml' for d in algorithm_folders()]
    assert sorted(imports) == sorted(expected)


def test_metafiles_follow_the_openmmlab_schema():
    config_paths = []
    for path in load_index()['Import']:
        with open(REPO_ROOT / path) as f:
            meta = yaml.safe_load(f)
        collections = {c['Name']: c for c in meta['Collections']}
        for collection in collections.values():
            assert collection['Paper']['Title'] and collection['Paper']['URL']
            readme = REPO_ROOT / collection['README']
            assert readme.is_file(), collection['README']
            assert collection['Paper']['URL'] in readme.read_text()
        assert meta['Models'], path
        for model in meta['Models']:
            assert model['In Collection'] in collections, model['Name']
            config = REPO_ROOT / model['Config']
            assert config.is_file(), f'{path}: {model["Config"]} missing'
            assert model['Name'] == config.stem
            readme = REPO_ROOT / collections[model['In Collection']]['README']
            assert model['Name'] in readme.read_text(), (
                f'{model["Name"]} is not on {readme.name}')
            results = model.get('Results')
            if results is not None:
                assert {'Task', 'Dataset', 'Metrics'} <= set(results)
                assert all(
                    isinstance(v, (int, float))
                    for v in results['Metrics'].values())
                assert model['Metadata']['Results Source'], model['Name']
            config_paths.append(model['Config'])
    assert len(config_paths) == len(set(config_paths)), 'a config listed twice'


def test_every_algorithm_config_is_listed():
    listed = set()
    for path in load_index()['Import']:
        with open(REPO_ROOT / path) as f:
            listed |= {m['Config'] for m in yaml.safe_load(f)['Models']}
    for folder in algorithm_folders():
        for config in folder.glob('*.py'):
            rel = str(config.relative_to(REPO_ROOT))
            assert rel in listed, f'{rel} is in no metafile'


def test_mmasm_bases_resolve_through_the_index(tmp_path):
    """mmengine opens model-index.yml and every metafile for an ``mmasm::``
    base (tests/conftest.py registered the config packages)."""
    cfg_file = tmp_path / 'uses_mmasm_base.py'
    cfg_file.write_text("_base_ = ['mmasm::_base_/asm/asm_one_shot.py']\n")
    cfg = Config.fromfile(str(cfg_file))
    assert cfg.custom_hooks[0]['type'] == 'ASMHook'
