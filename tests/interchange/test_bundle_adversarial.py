"""The adversarial suite: random corruptions of a good bundle are refused, exactly.

Each example takes the BASE bundle (already imported into the plant, so that every other
row is "unchanged"), corrupts it one to three ways (a cut or stray quote, an extra or a
missing field, a control or bidirectional character, a code one character longer than
its plant column, a bad GTIN, a number or date with non-ASCII digits) and imports it
through the command line. Every example must: exit 1; print only ``FILE[:LINE]: message``
lines, at least one with a line, then the one summary sentence; print no traceback and
no raw unsafe character; and leave every table of the plant exactly as it was. On
SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path
from textwrap import dedent

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.interchange.plantdump import dump
from tests.interchange.test_bundle_import import BASE, write_bundle
from workbench.cli import main
from workbench.format import unsafe_characters
from workbench.interchange.bundle.format import SPECS
from workbench.interchange.bundle.limits import max_length, targets
from workbench.plant import open_plant

FILES = {name: dedent(text).splitlines() for name, text in BASE.items()}
UNSAFE = ["\x00", "\x07", "\x1b", "\x1f", "\x7f", "\x85", "\u202e", "\u202d", "\u2066", "\u200b", "\u200f", "\ufeff"]
BAD_GTINS = ["09506000134353", "0950600013435", "123456789012345", "95060001343A2",
             "\uff10\uff19\uff15\uff10\uff16\uff10\uff10\uff10\uff11\uff13\uff14\uff13\uff15\uff12", "00000000000000",
             "1234567"]
DIGITS = {"full-width": 0xFF10, "arabic-indic": 0x0660, "devanagari": 0x0966}


def _fields(line: str) -> list[str]:
    return next(csv.reader([line]))


def _line(fields: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue()


def _data_cells(pick):
    """(file, line index, field index) of a data cell, drawn from those of the bundle."""
    cells = [(name, i, j) for name, lines in FILES.items() for i, line in enumerate(lines[1:], start=1)
             for j in range(len(_fields(line)))]
    return pick(st.sampled_from(cells))


@st.composite
def corruption(draw):
    kind = draw(st.sampled_from(["cut quote", "stray quote", "drop quote", "extra field", "missing field",
                                 "unsafe character", "overlong code", "bad gtin", "non-ascii digits"]))
    files = {name: list(lines) for name, lines in FILES.items()}
    if kind == "drop quote":
        line = files["returns.csv"][1]
        at = draw(st.sampled_from([m.start() for m in re.finditer('"', line)]))
        files["returns.csv"][1] = line[:at] + line[at + 1:]
        return kind, files
    if kind == "bad gtin":
        fields = _fields(files["items.csv"][4])
        fields[4] = draw(st.sampled_from(BAD_GTINS))
        files["items.csv"][4] = _line(fields)
        return kind, files
    if kind == "overlong code":
        cells = [(name, i, j) for name, lines in FILES.items() for i in range(1, len(lines))
                 for j, column in enumerate(_fields(lines[0])) if max_length(name, column)]
        name, i, j = draw(st.sampled_from(cells))
        fields = _fields(files[name][i])
        fields[j] = "X" * (max_length(name, _fields(files[name][0])[j]) + 1)
        files[name][i] = _line(fields)
        return kind, files
    if kind == "non-ascii digits":
        cells = [(name, i, j) for name, lines in FILES.items() for i in range(1, len(lines))
                 for j, column in enumerate(_fields(lines[0]))
                 if (column == "quantity" or column.endswith("_at") or column == "shelf_life_days")
                 and re.search("[0-9]", _fields(lines[i])[j])]
        name, i, j = draw(st.sampled_from(cells))
        fields = _fields(files[name][i])
        value = fields[j]
        spots = [m.start() for m in re.finditer("[0-9]", value)]
        at = draw(st.sampled_from(spots))
        how = draw(st.sampled_from([*DIGITS, "underscore"]))
        if how == "underscore":
            fields[j] = value[:at] + "_" + value[at:] if at > 0 and value[at - 1].isdigit() else value[:at + 1] + "_1"
        else:
            fields[j] = value[:at] + chr(DIGITS[how] + int(value[at])) + value[at + 1:]
        files[name][i] = _line(fields)
        return kind, files
    name, i, j = _data_cells(draw)
    fields = _fields(files[name][i])
    if kind == "cut quote":
        raw = files[name][i].split(",")
        k = min(j, len(raw) - 1)
        raw[k] = '"' + raw[k]
        files[name][i] = ",".join(raw)
    elif kind == "stray quote":
        line = files[name][i]
        spots = [k for k in range(1, len(line)) if line[k - 1] not in ',"' and line[k] != '"']
        at = draw(st.sampled_from(spots))
        files[name][i] = line[:at] + '"' + line[at:]
    elif kind == "extra field":
        files[name][i] = files[name][i] + "," + draw(st.sampled_from(["x", "", "0"]))
    elif kind == "missing field":
        files[name][i] = _line(fields[:-1]) if len(fields) > 1 else ""
        if not files[name][i]:  # a one-column file: the row would become blank; cut a field of another
            files["lots.csv"][1] = _line(_fields(files["lots.csv"][1])[:-1])
    else:  # an unsafe character anywhere in the cell
        char = draw(st.sampled_from(UNSAFE))
        at = draw(st.integers(0, len(fields[j])))
        fields[j] = fields[j][:at] + char + fields[j][at:]
        files[name][i] = _line(fields)
    return kind, files


_PLANTS: dict[str, object] = {}


@pytest.fixture
def loaded(backend, db_factory, tmp_path_factory):
    """A plant per backend holding the BASE bundle, shared by the examples (never changed)."""
    if backend not in _PLANTS:
        url = db_factory.empty_url()
        folder = write_bundle(tmp_path_factory.mktemp("base") / "bundle", BASE)
        assert main(["import", "--db", url, str(folder)]) == 0
        plant = open_plant(url)
        _PLANTS[backend] = (url, plant, dump(plant))
    return _PLANTS[backend]


@pytest.fixture(scope="module", autouse=True)
def _dispose():
    yield
    while _PLANTS:
        _PLANTS.popitem()[1][1].dispose()


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(corruptions=st.lists(corruption(), min_size=1, max_size=3))
def test_a_corrupted_bundle_is_refused_exactly(loaded, tmp_path, monkeypatch, capsys, corruptions):
    url, plant, before = loaded
    monkeypatch.chdir(tmp_path)
    files = {name: list(lines) for name, lines in FILES.items()}
    for _kind, changed in corruptions:  # each corruption is of the pristine bundle: merge changed files
        for name, lines in changed.items():
            if lines != FILES[name]:
                files[name] = lines
    folder = Path("bundle")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for name, lines in files.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["import", "--db", url, str(folder)]) == 1, [k for k, _ in corruptions]
    captured = capsys.readouterr()
    err = captured.err.splitlines()
    assert captured.out == "" and "Traceback" not in captured.err
    assert unsafe_characters(captured.err, multiline=True) == [], "an unsafe character was printed raw"
    *faults, summary = err
    plural = "s" if len(faults) > 1 else ""
    assert faults and summary == f"workbench: import refused: {len(faults)} fault{plural}; nothing was written.", err
    assert all(re.match(r"bundle/[a-z]+\.csv(:\d+)?: \S", f) for f in faults), err
    assert any(re.match(r"bundle/[a-z]+\.csv:\d+: ", f) for f in faults), err
    assert dump(plant) == before


def test_every_text_column_of_the_format_has_its_plant_column():
    """The limits follow the model: every text column the bundle can fill maps to one."""
    parsed = {"quantity", "shelf_life_days"}
    for name, spec in SPECS.items():
        for column in spec.columns:
            if column in parsed or column.endswith("_at"):
                continue
            assert column in targets()[name], (name, column)
