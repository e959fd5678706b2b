"""test_explain.py: explain() gives the decision and the rules polvm --explain prints, in the same order."""

import json

import pytest

import pol
from conftest import compact, polvm


def test_explain_matches_polvm_explain(program, records, pbc, tmp_path):
    lines, expected = records
    sample = [line for line, want in zip(lines, expected) if b'"error"' not in want][:150]
    path = tmp_path / "sample.jsonl"
    path.write_bytes(b"\n".join(sample) + b"\n")
    output, status, stderr = polvm("--explain", pbc, str(path))
    assert status == 0, stderr
    # polvm --explain: each decision line, then its rules indented by two spaces
    blocks = []
    for line in output:
        if line.startswith(b"  "):
            blocks[-1][1].append(line[2:].decode("utf-8"))
        else:
            blocks.append((line, []))
    assert len(blocks) == len(sample)
    for line, (decision, texts) in zip(sample, blocks):
        explained = program.explain(json.loads(line))
        assert set(explained) == {"decision", "explain"}
        assert compact(explained["decision"]) == decision
        assert [event["text"] for event in explained["explain"]] == texts
        assert texts, "every decided record tries some rule"


def test_explain_of_a_refused_record_raises(program):
    with pytest.raises(pol.RecordError) as caught:
        program.explain({"id": "Z"})
    assert caught.value.id == "Z" and caught.value.field is not None
