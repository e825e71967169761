"""Install mmasm: ``pip install -e .`` (runtime), ``pip install -e .[tests]``
(tests, DATUM's packages included) or ``pip install -e .[datum]``."""
import os
import os.path as osp
import shutil
from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

HERE = osp.dirname(osp.abspath(__file__))


def read_requirements(name):
    """The requirements of ``requirements/<name>.txt``, following its
    ``-r other.txt`` lines."""
    requirements = []
    with open(osp.join(HERE, 'requirements', f'{name}.txt')) as f:
        for line in f:
            line = line.strip()
            if line.startswith('-r '):
                requirements += read_requirements(
                    line[3:].strip()[:-len('.txt')])
            elif line and not line.startswith('#'):
                requirements.append(line)
    return requirements


def read_version():
    scope = {}
    with open(osp.join(HERE, 'mmasm', 'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


class BuildWithConfigs(build_py):
    """Ship ``configs/`` and ``model-index.yml`` inside the package as
    ``mmasm/.mim/`` (the OpenMMLab layout mmengine's ``mmasm::`` lookup
    reads). A source checkout has links there instead (git-tracked), which
    an editable install uses as they are."""

    def run(self):
        super().run()
        target = osp.join(self.build_lib, 'mmasm', '.mim')
        shutil.rmtree(target, ignore_errors=True)
        os.makedirs(target)
        shutil.copytree(
            osp.join(HERE, 'configs'),
            osp.join(target, 'configs'),
            ignore=shutil.ignore_patterns('__pycache__'))
        shutil.copy(osp.join(HERE, 'model-index.yml'), target)


setup(
    name='mmasm',
    version=read_version(),
    description='One-shot unsupervised domain adaptation (Adversarial Style '
    'Mining, RAIN) for mmsegmentation 1.x',
    long_description=open(osp.join(HERE, 'README.md')).read(),
    long_description_content_type='text/markdown',
    license='Apache-2.0',
    packages=find_packages(include=['mmasm', 'mmasm.*']),
    python_requires='>=3.10',
    install_requires=read_requirements('runtime'),
    extras_require=dict(
        tests=read_requirements('tests'),
        optional=read_requirements('optional'),
        datum=read_requirements('datum'),
        all=read_requirements('tests') + read_requirements('optional')),
    cmdclass=dict(build_py=BuildWithConfigs),
    zip_safe=False,
)
