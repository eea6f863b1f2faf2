"""pytest plugin for the mutation run (``make mutation``); the ordinary test run never loads it.

mutmut copies ``notebooks/infotheory.py`` into ``mutants/notebooks/`` and knows
its mutants by that path's module name, ``notebooks.infotheory``.  The tests
import the module as plain ``infotheory`` (the root ``conftest.py`` puts
``notebooks/`` on ``sys.path``), which would load a second copy under another
name that mutmut cannot switch.  So this plugin, loaded with ``-p`` before
any test module, imports the mutated file once as ``notebooks.infotheory`` and
registers that same module object as ``infotheory``.

It also makes Hypothesis reproducible here: derandomized, with no example
database, so two mutation runs over the same code report the same mutants.
"""

from __future__ import annotations

import importlib
import sys

from hypothesis import settings

settings.register_profile("mutation", derandomize=True, database=None)
settings.load_profile("mutation")

sys.modules["infotheory"] = importlib.import_module("notebooks.infotheory")
