"""The child side of ``test_layers.test_each_module_imports_on_its_own`` (not
a test module): fork once per mmasm module from a parent that holds no mmasm
module, and import it there."""
import multiprocessing
import os
import sys


def _import(module: str) -> None:
    __import__(module)


def run(modules, workers: int = min(2, os.cpu_count() or 1)) -> int:
    """Import each module in its own forked child, ``workers`` at a time."""
    assert not any(name == 'mmasm' or name.startswith('mmasm.')
                   for name in sys.modules)
    context = multiprocessing.get_context('fork')
    pending, running, failed = list(modules), [], []
    while pending or running:
        while pending and len(running) < workers:
            process = context.Process(target=_import, args=(pending[0], ))
            process.start()
            running.append((pending.pop(0), process))
        module, process = running.pop(0)
        process.join()
        if process.exitcode != 0:
            failed.append(module)
    if failed:
        print('modules that fail to import on their own:', failed)
    return 1 if failed else 0
