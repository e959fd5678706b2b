"""test_decide.py: the package decides generated records (bad ones included) exactly as polvm does."""

import json
import threading

import pytest

import notice
import pol
from conftest import compact


def test_decide_lines_gives_polvm_output_line_by_line(program, records):
    lines, expected = records
    got = list(program.decide_lines(lines))
    assert len(got) == len(expected)
    for line_no, (decision, want) in enumerate(zip(got, expected), 1):
        assert compact(decision) == want, "line %d" % line_no


def test_decide_lines_takes_text_lines_with_their_newlines(program, records):
    lines, expected = records
    # a text file yields str lines ending in '\n'; lines that are not UTF-8 cannot be str, so keep the others
    text = [(n, line.decode("utf-8") + "\n") for n, line in enumerate(lines) if _is_utf8(line)]
    assert len(text) > len(lines) // 2
    got = list(program.decide_lines(line for _, line in text))
    for (n, _), decision in zip(text, got):
        want = json.loads(expected[n])
        if "error" in want:  # error objects count lines of the stream given, here the UTF-8 subset
            want["line"] = decision.get("line")
        assert decision == want


def test_decide_of_a_dict_and_of_json_text(program, records):
    lines, expected = records
    decided = refused = 0
    for line, want in zip(lines, expected):
        want = json.loads(want)
        if "error" in want:
            with pytest.raises(pol.RecordError) as caught:
                program.decide(line)
            error = caught.value
            assert str(error) == error.message == want["error"]
            assert error.id == want["id"] and error.line == 1
            # a line that is not a JSON object is a format error; one whose values do not fit, a bind error
            assert error.status == ("POL_ERR_BIND" if error.field else "POL_ERR_FORMAT"), want["error"]
            assert error.error == {"line": 1, "id": want["id"], "error": want["error"]}
            # the field the independent reading of the contract says the line gets wrong (None: not an object)
            assert error.field == notice.parse_line_ex(line, 1)[2], want["error"]
            refused += 1
        else:
            record = json.loads(line)
            assert compact(program.decide(record)) == compact(want)
            assert program.decide(line.decode("utf-8")) == want
            decided += 1
    assert decided > 1000 and refused > 100


def test_field_names_a_list_element(program):
    record = {"id": "X1", "specialty": "建设", "level": "中级", "region": "吴中", "submitted_by": "本人",
              "current_title_date": "2018-06-30", "ce": [{"year": 2019, "hours": "many"}]}
    with pytest.raises(pol.RecordError) as caught:
        program.decide(record)
    assert caught.value.field == "ce[0].hours" and caught.value.id == "X1"
    assert str(caught.value).startswith("ce[0].hours: ")


def test_missing_required_field_and_enum_suggestion(program):
    record = {"id": "X2", "specialty": "建设", "level": "副高级", "region": "吴中", "submitted_by": "本人",
              "current_title_date": "2018-06-30"}
    with pytest.raises(pol.RecordError) as caught:
        program.decide(record)
    assert caught.value.field == "level" and "高级" in str(caught.value)
    del record["level"]
    with pytest.raises(pol.RecordError) as caught:
        program.decide(record)
    assert caught.value.field == "level" and str(caught.value) == "level: missing"


def test_a_date_value_may_be_a_python_date(program):
    import datetime
    record = {"id": "X3", "specialty": "建设", "level": "中级", "region": "吴中", "submitted_by": "本人",
              "current_title_date": "2018-06-30"}
    as_text = program.decide(record)
    record["current_title_date"] = datetime.date(2018, 6, 30)
    assert program.decide(record) == as_text
    record["current_title_date"] = datetime.datetime(2018, 6, 30, 9, 0)
    with pytest.raises(TypeError):
        program.decide(record)


def test_not_an_object_has_no_field(program):
    for text in ("[1, 2]", "{\"id\": \"Y\",", "", "42"):
        with pytest.raises(pol.RecordError) as caught:
            program.decide(text)
        assert caught.value.field is None, text


def test_decide_lines_is_lazy_and_counts_lines_from_one(program):
    stream = program.decide_lines(iter([b"not json", b"", b"{}"]))
    first = next(stream)
    assert first["line"] == 1 and "error" in first
    rest = list(stream)
    assert [d["line"] for d in rest] == [2, 3]


def test_decide_lines_takes_records_as_dicts(program, records):
    lines, expected = records
    sample = [(json.loads(line), want) for line, want in zip(lines[:400], expected) if b'"error"' not in want]
    got = list(program.decide_lines(record for record, _ in sample))
    assert [compact(d) for d in got] == [want for _, want in sample]
    bad = list(program.decide_lines([{"id": "D1"}, {"id": "D2", "specialty": "建设", "level": 4}]))
    assert bad == [{"line": 1, "id": "D1", "error": "specialty: missing"},
                   {"line": 2, "id": "D2", "error": "level: expected a string"}]


def test_decide_lines_resumed_in_another_thread(program, records):
    lines, expected = records
    stream = program.decide_lines(iter(lines[:200]))
    got = [next(stream)]  # begun here, finished on another thread: that thread's context decides the rest
    worker = threading.Thread(target=lambda: got.extend(stream))
    worker.start()
    worker.join(timeout=60)
    assert [compact(d) for d in got] == expected[:200]


def _is_utf8(data):
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False
