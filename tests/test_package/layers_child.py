"""The child side of ``test_layers.test_each_module_imports_on_its_own`` (not
a test module): fork once per mmasm module from a parent that holds no mmasm
module, and import it there."""
import multiprocessing
import sys


def _import(module: str) -> None:
    __import__(module)


def run(modules) -> int:
    assert not any(name == 'mmasm' or name.startswith('mmasm.')
                   for name in sys.modules)
    context = multiprocessing.get_context('fork')
    failed = []
    for module in modules:
        process = context.Process(target=_import, args=(module, ))
        process.start()
        process.join()
        if process.exitcode != 0:
            failed.append(module)
    if failed:
        print('modules that fail to import on their own:', failed)
    return 1 if failed else 0
