"""PostgreSQL's binary COPY as numpy writes and reads it, against a plain reading of the
format field by field (and, on PostgreSQL, against the server itself)."""

import datetime as dt
import struct

import numpy as np
import pytest
from django.db import connection

from precinct.core import pgcopy

COLUMNS = [
    ("varchar", [b"d", b"m", b"c"]),
    ("date", np.array([(dt.date(2025, 12, 30) - dt.date(1970, 1, 1)).days, 0, 20000])),
    ("int4", np.array([7, -1, 2**31 - 1])),
    ("bool", np.array([1, 0, 1])),
    ("int2", np.array([0, 4, -3])),
    ("bytea", [b"", b"\x00\xff" * 5, b"x"]),
]


def _plain_rows(data: bytes) -> list[list[bytes]]:
    """The format read field by field, as the documentation describes it."""
    assert data[:11] == pgcopy.SIGNATURE and data[11:19] == bytes(8)
    rows, at = [], 19
    while True:
        (count,) = struct.unpack_from(">h", data, at)
        at += 2
        if count == -1:
            assert at == len(data)
            return rows
        row = []
        for _ in range(count):
            (length,) = struct.unpack_from(">i", data, at)
            row.append(data[at + 4 : at + 4 + length])
            at += 4 + length
        rows.append(row)


@pytest.mark.parametrize("chunk", [1, 2, 4096])
def test_encode__writes_each_field_in_network_order(monkeypatch, chunk):
    monkeypatch.setattr(pgcopy, "ROWS_PER_CHUNK", chunk)
    rows = _plain_rows(b"".join(pgcopy.encode(COLUMNS, 3)))
    assert [r[0] for r in rows] == [b"d", b"m", b"c"]
    days = [struct.unpack(">i", r[1])[0] for r in rows]
    assert days == [(dt.date(2025, 12, 30) - dt.date(2000, 1, 1)).days, -10957, 20000 - 10957]
    assert [struct.unpack(">i", r[2])[0] for r in rows] == [7, -1, 2**31 - 1]
    assert [r[3] for r in rows] == [b"\x01", b"\x00", b"\x01"]
    assert [struct.unpack(">h", r[4])[0] for r in rows] == [0, 4, -3]
    assert [r[5] for r in rows] == [b"", b"\x00\xff" * 5, b"x"]


@pytest.mark.parametrize("chunk", [1, 2, 3, 4096])
def test_encode__takes_variable_values_packed_as_it_takes_them_listed(monkeypatch, chunk):
    monkeypatch.setattr(pgcopy, "ROWS_PER_CHUNK", chunk)
    values = [b"ab", b"", b"\x00" * 9, b"z", b"", b"\xff\x01"]
    packed = pgcopy.Packed.of([len(v) for v in values], b"".join(values))
    assert packed.values() == values
    listed = [("int4", np.arange(6)), ("bytea", values), ("varchar", [b"x"] * 6)]
    as_packed = [listed[0], ("bytea", packed), listed[2]]
    assert b"".join(pgcopy.encode(as_packed, 6)) == b"".join(pgcopy.encode(listed, 6))
    with pytest.raises(ValueError, match="add up to 3 bytes, not 2"):
        pgcopy.Packed.of([1, 2], b"ab")


def test_encode__refuses_what_it_cannot_write():
    with pytest.raises(ValueError, match="no binary form"):
        list(pgcopy.encode([("float4", [1.0])], 1))
    with pytest.raises(ValueError, match="2 values for 3 rows"):
        list(pgcopy.encode([("int4", [1, 2])], 3))


def test_decode_doubles__reads_rows_in_place():
    body = b"".join(struct.pack(">hidid", 2, 8, x, 8, -x) for x in (1.5, float("nan"), 3e9))
    got = pgcopy.decode_doubles(pgcopy.HEADER + body + pgcopy.TRAILER, 2)
    np.testing.assert_array_equal(got, [[1.5, -1.5], [np.nan, np.nan], [3e9, -3e9]])
    with pytest.raises(ValueError, match="not PostgreSQL"):
        pgcopy.decode_doubles(b"CSV" + bytes(30), 2)


@pytest.mark.django_db
def test_encode__is_what_the_database_reads(django_db_blocker):
    """On PostgreSQL the server reads the rows back as written; elsewhere (no COPY) the
    plain reading above is the reference, and the empty copy is still well formed."""
    assert _plain_rows(b"".join(pgcopy.encode([("int4", [])], 0))) == []
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE copied (g varchar(1), p date, d int4, o bool, r int2, b bytea)"
        )
        with cursor.cursor.copy("COPY copied FROM STDIN (FORMAT BINARY)") as copy:
            for block in pgcopy.encode(COLUMNS, 3):
                copy.write(block)
        cursor.execute("SELECT g, p, d, o, r, b FROM copied ORDER BY g DESC")
        got = [(*r[:5], bytes(r[5])) for r in cursor.fetchall()]
    assert got == [
        ("m", dt.date(1970, 1, 1), -1, False, 4, b"\x00\xff" * 5),
        ("d", dt.date(2025, 12, 30), 7, True, 0, b""),
        ("c", dt.date(2024, 10, 4), 2**31 - 1, True, -3, b"x"),
    ]
