"""test_load.py: pol.load from a path or bytes, the program's facts and schema, and bad .pbc files as LoadError."""

import hashlib
import os
import subprocess

import pytest

import notice
import pol
from conftest import POLVM, polvm


def test_load_from_path_and_from_bytes_agree(pbc):
    from_path = pol.load(pbc)
    with open(pbc, "rb") as f:
        from_bytes = pol.load(f.read())
    assert from_path.info() == from_bytes.info()
    assert pol.load(os.fsencode(pbc).decode()).digest == from_path.digest


def test_info_is_the_pbc_header(program, pbc):
    data = open(pbc, "rb").read()
    info = program.info()
    # bytes 24..56 of a .pbc hold the SHA-256 of everything after them (doc/bytecode.md)
    assert info["digest"] == data[24:56].hex() == hashlib.sha256(data[56:]).hexdigest() == program.digest
    listing = subprocess.run([os.path.join(os.path.dirname(POLVM), "polc"), "--dis", pbc], capture_output=True,
                             text=True, timeout=60, check=True).stdout
    header = dict(line.split(None, 1) for line in listing.splitlines()[:6] if line.strip())
    assert header["policy"] == '"%s"' % program.name == '"%s"' % info["name"]
    assert header["version"] == '"%s"' % program.version
    assert header["compiler"] == '"%s"' % info["compiler_version"]
    assert header["source"] == "sha256 " + info["source_sha256"]
    assert info["format_version"] == 1


def test_schema_is_the_contract_record(program):
    fields = {f["name"]: f for f in program.schema()["fields"]}
    for name in ("id", "specialty", "level", "region", "submitted_by", "current_title_date"):
        assert fields[name]["required"] is True, name
    assert fields["specialty"]["values"] == notice.SPECIALTIES
    assert fields["level"]["values"] == notice.LEVELS
    assert fields["region"]["values"] == notice.REGIONS
    assert fields["unit_type"]["default"] == "本地" and fields["unit_type"]["required"] is False
    assert fields["applications_this_year"]["min"] == 1
    elements = {f["name"]: f["type"] for f in fields["ce"]["fields"]}
    assert fields["ce"]["type"] == "list" and elements["year"] == "int" and elements["hours"] == "number"


def _polvm_reason(path):
    """What polvm says about a .pbc it cannot load: `polvm: FILE: <reason>`, exit 2."""
    _, status, stderr = polvm(str(path), stdin=b"")
    assert status == 2
    prefix = "polvm: %s: " % path
    assert stderr.startswith(prefix)
    return stderr[len(prefix):].strip()


# a changed byte after the header breaks the digest the header carries; the rest are not whole .pbc files
STATUS_OF_DAMAGE = {"truncated": "POL_ERR_FORMAT", "flipped": "POL_ERR_DIGEST", "garbage": "POL_ERR_FORMAT",
                    "empty": "POL_ERR_FORMAT"}


@pytest.mark.parametrize("damage", sorted(STATUS_OF_DAMAGE))
def test_bad_pbc_is_a_load_error_with_the_loaders_reason(pbc, tmp_path, damage):
    data = bytearray(open(pbc, "rb").read())
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "flipped":
        data[len(data) - 10] ^= 0x40
    elif damage == "garbage":
        data = bytearray(b"this is not a compiled policy\n" * 4)
    else:
        data = bytearray()
    path = tmp_path / ("%s.pbc" % damage)
    path.write_bytes(bytes(data))
    reason = _polvm_reason(path)
    with pytest.raises(pol.LoadError) as from_bytes:
        pol.load(bytes(data))
    assert str(from_bytes.value) == from_bytes.value.message == reason
    assert from_bytes.value.status == STATUS_OF_DAMAGE[damage]
    with pytest.raises(pol.LoadError) as from_path:
        pol.load(str(path))
    assert str(from_path.value) == reason and from_path.value.status == STATUS_OF_DAMAGE[damage]


def test_missing_file_and_wrong_argument(tmp_path):
    missing = tmp_path / "absent.pbc"
    with pytest.raises(pol.LoadError) as caught:
        pol.load(missing)
    assert str(caught.value) == "%s: No such file or directory" % missing
    assert caught.value.status == "POL_ERR_IO"
    with pytest.raises(TypeError):
        pol.load(42)
