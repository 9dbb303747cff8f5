"""The tests' data directory (a pytest plugin, ``-p rasad.testing.data_dir``, loaded first).

Rasad keeps its embedded database, uploads, the audit trail's signing key and checkpoints and the
rate counters under ``RASAD_DATA_DIR``, which defaults to the checkout's ``var/`` — where
``scripts/demo.sh`` keeps the demo's. Tests run in that checkout without the variable (a
developer's ``pytest``) then wrote into the running demo's directory: their uploads and audit
checkpoints beside the demo's, and the commands some tests start against its database file (a
demo served while the tests ran answered "disk I/O error"). So a test run that is not given a
data directory gets a new empty one of its own, made here when pytest loads its plugins (before
pytest-django imports the settings, which read the variable once) and removed when the run ends.
The test workers (pytest-xdist) and the processes tests start inherit the variable, so the whole
run shares one directory, as under ``scripts/test.sh``, which gives its own."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

if not os.environ.get("RASAD_DATA_DIR"):
    _made = tempfile.mkdtemp(prefix="rasad-test-data-")
    os.environ["RASAD_DATA_DIR"] = _made
    atexit.register(shutil.rmtree, _made, ignore_errors=True)
