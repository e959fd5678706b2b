"""conftest.py: what the tests share: the compiled policy, polvm, and generated records with polvm's decisions.

The Makefile (bindings/python/python.mk) sets, before running pytest:
  POL_TEST_PBC       the compiled 2024 policy (.pbc)
  POL_TEST_POLVM     the polvm to compare with
  POL_TEST_ROOT      the repository (for tests/reference/generate.py and notice.py)
  POL_LIBRARY_PATH   the folder with libpol.so.0 and libpol_json.so.0 (read by the package itself)
  POL_TEST_PACKAGE   optional: the folder the package must be imported from (the venv pip installed it into)
  POL_TEST_COUNT     optional: how many generated records (default 4000)
"""

import json
import os
import subprocess
import sys

import pytest


def _env(name):
    value = os.environ.get(name)
    if not value:
        pytest.exit("%s is not set (run the tests through `make check-python`)" % name, returncode=2)
    return value


PBC = _env("POL_TEST_PBC")
POLVM = _env("POL_TEST_POLVM")
ROOT = _env("POL_TEST_ROOT")
COUNT = int(os.environ.get("POL_TEST_COUNT", "4000"))
sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))


def polvm(*args, stdin=None):
    """polvm's standard output lines (bytes, without '\\n'), its exit status and standard error."""
    done = subprocess.run([POLVM, *args], input=stdin, capture_output=True, timeout=120)
    return done.stdout.split(b"\n")[:-1], done.returncode, done.stderr.decode("utf-8", "replace")


@pytest.fixture(scope="session")
def pbc():
    return PBC


@pytest.fixture(scope="session")
def program():
    import pol
    return pol.load(PBC)


@pytest.fixture(scope="session")
def records(tmp_path_factory):
    """(lines, decisions): COUNT generated lines (bytes; bad ones included) and polvm's output line for each."""
    path = tmp_path_factory.mktemp("records") / "records.jsonl"
    subprocess.run([sys.executable, os.path.join(ROOT, "tests", "reference", "generate.py"), "--seed", "13",
                    "--count", str(COUNT), "-o", str(path)], check=True, timeout=120)
    data = path.read_bytes()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    decisions, status, stderr = polvm(PBC, str(path))
    assert status == 1, "polvm exit %d (the generated lines include bad ones): %s" % (status, stderr)
    assert len(decisions) == len(lines)
    return lines, decisions


def compact(value):
    """A parsed decision written back as the JSON layer writes it (compact, UTF-8, keys in order)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
