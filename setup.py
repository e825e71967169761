"""Install mmasm: ``pip install -e .`` (runtime) or ``pip install -e .[tests]``."""
import os.path as osp

from setuptools import find_packages, setup

HERE = osp.dirname(osp.abspath(__file__))


def read_requirements(name):
    with open(osp.join(HERE, 'requirements', f'{name}.txt')) as f:
        return [line.strip() for line in f
                if line.strip() and not line.startswith('#')]


def read_version():
    scope = {}
    with open(osp.join(HERE, 'mmasm', 'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


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
        all=read_requirements('tests') + read_requirements('optional')),
    zip_safe=False,
)
