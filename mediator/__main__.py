"""``python -m mediator``, and the entry script of the portable build (packaging/mediator.spec).

``freeze_support()`` comes first: in a frozen build ``mediator demo --cases 10000`` starts its
row builder by running this same executable again, and that child must become the worker
before anything else (argument parsing, the terminal UI) runs. It does nothing unless frozen
(multiprocessing's own test), so multiprocessing is imported only then: it was ~1–4 ms of
every start of ``python -m mediator``.
"""

import sys

if __name__ == "__main__":
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()

    from mediator.cli import run

    raise SystemExit(run())
