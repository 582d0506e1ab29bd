"""The importer foundation: mapping and file errors name the line, imports are all or nothing."""

import subprocess
import sys

import pytest
from django.contrib.auth.models import Group

from precinct.core import importing
from precinct.core.errors import DomainError
from precinct.core.importing import ImportRefused, MappingError, RowErrors
from tests.processes import child_env


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_mapping__a_syntax_error_names_file_line_and_column(tmp_path):
    path = _write(tmp_path, "m.toml", "[columns]\nreceived = 'a'\ntype 'b'\n")
    with pytest.raises(MappingError) as err:
        importing.read_mapping(path)
    assert (err.value.line, err.value.column) == (3, 6)
    assert err.value.message.startswith(f"{path}, line 3, column 6: Expected '='")
    assert isinstance(err.value, DomainError)


def test_mapping__unknown_and_missing_keys_name_their_line(tmp_path):
    text = "# calls\n[columns]\nreceived = 'a'\n'kind' = 'b'\n\n[csv]\nencoding = 'klingon'\n"
    spec = importing.read_mapping(_write(tmp_path, "m.toml", text))
    with pytest.raises(MappingError, match=r"m\.toml, line 4: unknown keys in \[columns\]: kind"):
        spec.table("columns", known=("received", "type"))
    with pytest.raises(MappingError, match=r"m\.toml, line 2: \[columns\] needs 'type'"):
        spec.table("columns", required=("received", "type"))
    with pytest.raises(MappingError, match=r"m\.toml, line 7: unknown encoding 'klingon'"):
        importing.csv_format(spec)


def test_table__sniffs_the_delimiter_drops_the_bom_and_skips_blank_rows(tmp_path):
    text = '\ufeffid;note\n1;"two\nlines"\n;\n\n2;x\n'
    with importing.open_table(_write(tmp_path, "t.csv", text)) as table:
        rows = list(table.rows(RowErrors()))
        assert table.header == ["id", "note"]
        assert table.index({"key": "id"}) == {"key": 0}
    assert rows == [(3, ["1", "two\nlines"]), (6, ["2", "x"])]  # a row's last physical line


def test_table__a_line_that_does_not_decode_is_named(tmp_path):
    good = "".join(f"{n},Алматы\n" for n in range(2000)).encode()  # beyond the first block
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"id,city\n" + good + "2000,Алматы\n".encode("cp1251") + b"2001,x\n")
    errors = RowErrors()
    with importing.open_table(path, importing.CsvFormat(delimiter=",")) as table:
        rows = list(table.rows(errors))
    assert 0 < len(rows) < 2000  # the rows read before the bad block
    assert str(errors.shown[0]).startswith("line 2002: not utf-8 text")


def test_table__an_unreadable_start_refuses_the_file(tmp_path):
    path = tmp_path / "cp1251.csv"
    path.write_bytes("id,город\n1,Алматы\n".encode("cp1251"))
    refused = "cannot read the file:\n  line 1: not utf-8 text"
    with pytest.raises(ImportRefused, match=refused), importing.open_table(path):
        pass
    with importing.open_table(path, importing.CsvFormat(encoding="cp1251")) as table:
        assert table.header == ["id", "город"]


def test_table__a_header_that_does_not_fit_is_refused_at_line_1(tmp_path):
    path = _write(tmp_path, "t.csv", "id,phone\n1,x\n")
    with importing.open_table(path) as table, pytest.raises(ImportRefused) as err:
        table.index({"key": "id", "name": "name"}, ignored=())
    assert err.value.message.splitlines() == [
        f"{tmp_path / 't.csv'}: the header does not fit the mapping, nothing imported:",
        "  line 1: name: mapped column not in the file's header",
        "  line 1: phone: unknown column (map it or ignore it)",
    ]


def test_row_errors__keep_the_first_reasons_and_count_all():
    errors = RowErrors(limit=3)
    for line in range(2, 12):
        errors.add(line, "bad", "a")
        errors.add(line, "worse", "b")
    refused = ImportRefused(path="f.csv", errors=errors)
    assert (errors.bad_rows, errors.count, refused.rejected_lines) == (10, 20, [2, 3])
    assert refused.message.splitlines()[0] == "f.csv: 10 bad rows, nothing imported (and 17 more):"


class GroupRows:
    """A third importer's row check in miniature: a record, or None with its reason."""

    def __init__(self):
        self.errors = RowErrors()

    def row(self, line, cells):
        if not cells[0].isalpha():
            self.errors.add(line, f"{cells[0]!r} is not a name", "name")
            return None
        return Group(name=cells[0])


def _stream(groups):
    for group in groups:  # written as they come, as COPY does
        group.save()


def _import(path, write=_stream):
    rows = GroupRows()
    with importing.open_table(path) as table:
        return importing.import_rows(table, rows.row, write, errors=rows.errors)


@pytest.mark.django_db
def test_import_rows__a_bad_row_writes_nothing_even_after_streaming(tmp_path):
    path = _write(tmp_path, "g.csv", "name\nalpha\nbeta\n42\ngamma\n")
    with pytest.raises(ImportRefused) as err:
        _import(path)
    assert "line 4: name: '42' is not a name" in err.value.message
    assert not Group.objects.exists()


@pytest.mark.django_db
def test_import_rows__a_good_file_is_written_and_counted(tmp_path):
    report = _import(_write(tmp_path, "g.csv", "name\nalpha\n\nbeta\n"))
    assert report.rows == 2 and report.seconds >= report.check_seconds
    assert sorted(Group.objects.values_list("name", flat=True)) == ["alpha", "beta"]


@pytest.mark.django_db
def test_import_rows__a_writer_that_stops_early_is_a_defect(tmp_path):
    path = _write(tmp_path, "g.csv", "name\nalpha\nbeta\n")
    with pytest.raises(RuntimeError, match="stopped before the last row"):
        _import(path, write=lambda groups: next(iter(groups)))
    assert not Group.objects.exists()


def test_command__a_refused_mapping_exits_1_naming_file_and_line(tmp_path):
    data = _write(tmp_path, "calls.csv", "received,type\n")
    mapping = _write(tmp_path, "m.toml", "[columns]\nreceived = 'received'\ntype =\n")
    done = subprocess.run(
        [sys.executable, "-m", "precinct.cli", "dispatch", "import", str(data),
         "--mapping", str(mapping)],
        env=child_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert f"{mapping}, line 3, column 7: Invalid value" in done.stderr
