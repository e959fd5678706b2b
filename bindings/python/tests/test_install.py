"""test_install.py: the package under test is the one pip installed, over the libraries `make install` put in place."""

import os
import re

import pytest

import pol
from conftest import ROOT


def _mapped_libraries():
    """The paths of the libpol and libpol_json shared objects mapped into this process."""
    with open("/proc/self/maps") as f:
        paths = {line.split(None, 5)[5].strip() for line in f if len(line.split(None, 5)) == 6}
    return sorted(p for p in paths if re.search(r"/libpol(_json)?\.so", p))


def test_imported_from_the_installed_package():
    installed = os.environ.get("POL_TEST_PACKAGE")
    if not installed:
        pytest.skip("POL_TEST_PACKAGE not set: the package is imported from wherever sys.path finds it")
    here = os.path.realpath(pol.__file__)
    assert here.startswith(os.path.realpath(installed) + os.sep), here
    assert not here.startswith(os.path.realpath(os.path.join(ROOT, "bindings")) + os.sep), here


def test_the_libraries_are_those_of_pol_library_path(program):
    folder = os.path.realpath(os.environ["POL_LIBRARY_PATH"])
    # the program fixture has opened both libraries
    mapped = _mapped_libraries()
    # libpol_json.so.0 needs libpol.so.0: the loader must reuse the one already open, not find another
    assert [os.path.basename(p).split(".so")[0] for p in mapped] == ["libpol", "libpol_json"], mapped
    assert all(os.path.dirname(p) == folder for p in mapped), mapped


def test_versions_agree():
    with open(os.path.join(ROOT, "runtime", "include", "pol.h")) as f:
        header = re.search(r'#define POL_VERSION_STRING "([^"]+)"', f.read()).group(1)
    assert pol.library_version() == header == pol.__version__
