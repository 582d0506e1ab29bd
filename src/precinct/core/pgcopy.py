"""PostgreSQL's binary COPY format, read and written by numpy a column at a time.

A rollup rebuild moves millions of rows: written one ``write_row`` at a time, each
value went through a Python dumper (the national 102 rebuild spent a third of its time
there), and read through ``fetchall``, each value became a Python object. Here the rows
are assembled (or taken apart) with array operations, in chunks of rows so that the
index arrays stay small.

The format (PostgreSQL's documentation, "COPY", "Binary Format"): a 19-byte header (the
signature, 32-bit flags, 32-bit header extension length), then per row a 16-bit field
count and per field a 32-bit length (-1 for NULL, never written here) and the value in
network byte order; a 16-bit -1 ends the data.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
HEADER = SIGNATURE + bytes(8)  # no flags, no header extension
TRAILER = b"\xff\xff"
# Fixed-width kinds: their big-endian form. A date is days since 2000-01-01.
FIXED = {"int2": ">i2", "int4": ">i4", "int8": ">i8", "bool": "u1", "date": ">i4"}
# Variable-length kinds take bytes per value (text already encoded as UTF-8).
VARIABLE = ("text", "varchar", "bytea")
DAYS_1970_TO_2000 = 10957
ROWS_PER_CHUNK = 4096


@dataclass(frozen=True)
class Packed:
    """Variable-length values as their lengths and all their bytes, one after another in
    row order: a column of a million summaries without a ``bytes`` object per value."""

    lengths: np.ndarray
    data: np.ndarray  # uint8

    @staticmethod
    def of(lengths: np.ndarray, data: bytes | np.ndarray) -> Packed:
        data = np.frombuffer(data, dtype=np.uint8) if isinstance(data, bytes) else data
        lengths = np.asarray(lengths, dtype=np.int64)
        if int(lengths.sum()) != len(data):
            raise ValueError(f"lengths add up to {int(lengths.sum())} bytes, not {len(data)}")
        return Packed(lengths, data)

    def __len__(self) -> int:
        return len(self.lengths)

    def values(self) -> list[bytes]:
        ends = np.cumsum(self.lengths)
        data = self.data.tobytes()
        return [data[e - n : e] for e, n in zip(ends.tolist(), self.lengths.tolist(), strict=True)]


def encode(columns: Sequence[tuple[str, Sequence]], n: int) -> Iterator[bytes]:
    """The COPY data of ``n`` rows, in blocks: the header, the rows, the trailer.

    ``columns`` are (kind, values): a kind of ``FIXED`` with numbers (a date as days
    since 1970), or of ``VARIABLE`` with a sequence of ``bytes`` or a ``Packed``; no NULL."""
    for kind, values in columns:
        if kind not in FIXED and kind not in VARIABLE:
            raise ValueError(f"no binary form for {kind!r}")
        if len(values) != n:
            raise ValueError(f"a {kind} column of {len(values)} values for {n} rows")
    yield HEADER
    columns = [(kind, _Chunks(values)) if isinstance(values, Packed) else (kind, values)
               for kind, values in columns]  # fmt: skip
    for lo in range(0, n, ROWS_PER_CHUNK):
        hi = min(n, lo + ROWS_PER_CHUNK)
        yield _rows([(kind, values[lo:hi]) for kind, values in columns], hi - lo)
    yield TRAILER


class _Chunks:
    """A ``Packed`` column sliced by rows in order, each slice found from the running
    offsets (not by adding up every length before it again)."""

    def __init__(self, packed: Packed):
        self.packed = packed
        self.offsets = np.concatenate([[0], np.cumsum(packed.lengths)])

    def __len__(self) -> int:
        return len(self.packed)

    def __getitem__(self, rows: slice) -> Packed:
        lo, hi = rows.start, min(rows.stop, len(self.packed))
        data = self.packed.data[self.offsets[lo] : self.offsets[hi]]
        return Packed(self.packed.lengths[lo:hi], data)


def _rows(columns, n: int) -> bytes:
    fields = [_field(kind, values, n) for kind, values in columns]
    row_length = 2 + sum(4 + lengths for lengths, _ in fields)
    starts = np.concatenate([[0], np.cumsum(row_length)[:-1]])
    out = np.empty(int(row_length.sum()), dtype=np.uint8)
    out[starts[:, None] + np.arange(2)] = np.array([len(fields)], ">i2").view(np.uint8)
    at = starts + 2
    for lengths, data in fields:
        out[at[:, None] + np.arange(4)] = lengths.astype(">i4").view(np.uint8).reshape(n, 4)
        at = at + 4
        # Each value's bytes go to its row: source offset → destination offset.
        source = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        out[np.repeat(at - source, lengths) + np.arange(len(data))] = data
        at = at + lengths
    return out.tobytes()


def _field(kind: str, values, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row the length of the value, and all the values' bytes in row order."""
    if kind in FIXED:
        numbers = np.asarray(values, dtype=np.int64)
        if kind == "date":
            numbers = numbers - DAYS_1970_TO_2000
        data = np.ascontiguousarray(numbers.astype(FIXED[kind])).view(np.uint8)
        return np.full(n, np.dtype(FIXED[kind]).itemsize, dtype=np.int64), data
    if isinstance(values, Packed):
        return values.lengths, values.data
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=n)
    return lengths, np.frombuffer(b"".join(values), dtype=np.uint8)


def decode_doubles(data: bytes | bytearray | memoryview, width: int) -> np.ndarray:
    """The rows of a binary COPY of ``width`` double-precision columns with no NULL, as
    an (n × width) float64 array, read in place."""
    data = memoryview(data)
    if bytes(data[: len(SIGNATURE)]) != SIGNATURE:
        raise ValueError("not PostgreSQL's binary COPY format")
    fields = [("count", ">i2")]
    for i in range(width):
        fields += [(f"length{i}", ">i4"), (f"value{i}", ">f8")]
    rows = np.frombuffer(data[len(HEADER) : -len(TRAILER)], dtype=np.dtype(fields))
    if len(rows) and not (rows["count"] == width).all():
        raise ValueError(f"rows of other than {width} fields")
    values = [rows[f"value{i}"].astype(np.float64) for i in range(width)]
    return np.column_stack(values) if values and len(rows) else np.zeros((len(rows), width))
