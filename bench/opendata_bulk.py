"""Benchmark: a whole month's bulk download for the city (CSV and Parquet) over HTTP from
gunicorn on a demo copy with the street-level records; reference in the same run: pandas
writing the same rows (``DataFrame.to_csv`` and ``to_parquet`` with pyarrow), after the
product's own read of the rows, so the reference times the writing only.

Run from the project root on a copy of the demo with the records step
(``precinct crime demo-records``)::

    DATABASE_URL=postgres://…/precinct_demo_NAME .venv/bin/python bench/opendata_bulk.py

Median of ``--repeat`` downloads per format; the files are read back (csv module, pyarrow)
and must hold the same rows. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq

from _server import bench_env, free_port, start_server

ROOT = Path(__file__).resolve().parents[1]


def download(port: int, path: str) -> tuple[float, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - start
    if response.status != 200:
        raise SystemExit(f"{path}: HTTP {response.status}")
    return elapsed, body


def reference(month: str, repeat: int) -> dict:
    """The product's read of the month's rows, then pandas writing them (CSV, Parquet)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "precinct.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    import pandas as pd

    from precinct.opendata import downloads

    when = downloads.parse_month(month)
    read, to_csv, to_parquet, ours_csv, ours_parquet = [], [], [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        rows = downloads.month_rows(when)
        t1 = time.perf_counter()
        frame = pd.DataFrame(rows)
        frame.to_csv(io.StringIO(), index=False)
        t2 = time.perf_counter()
        frame.to_parquet(io.BytesIO(), engine="pyarrow", compression="zstd", index=False)
        t3 = time.perf_counter()
        downloads.csv_bytes(rows)
        t4 = time.perf_counter()
        downloads.parquet_bytes(rows)
        t5 = time.perf_counter()
        read.append(t1 - t0)
        to_csv.append(t2 - t1)
        to_parquet.append(t3 - t2)
        ours_csv.append(t4 - t3)
        ours_parquet.append(t5 - t4)
    med = statistics.median
    return {
        "rows": len(rows),
        "read_rows_s": round(med(read), 3),
        "pandas_to_csv_s": round(med(to_csv), 3),
        "pandas_to_parquet_s": round(med(to_parquet), 3),
        "product_csv_write_s": round(med(ours_csv), 3),
        "product_parquet_write_s": round(med(ours_parquet), 3),
    }


def latest_month() -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "precinct.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from precinct.crime import metrics

    months = metrics.record_months()
    if not months:
        raise SystemExit("No records: run 'precinct crime demo-records' on this database first.")
    # The busiest month: the heaviest download.
    counts = {m: len(metrics.records_of_month(month=m)) for m in months[:3]}
    return f"{max(counts, key=counts.get):%Y-%m}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    env = bench_env()
    month = latest_month()
    port = free_port()
    server = start_server(env, port, args.workers)
    times: dict[str, list[float]] = {"csv": [], "parquet": []}
    try:
        for fmt in times:
            download(port, f"/opendata/downloads/{month}.{fmt}")  # warm
            for _ in range(args.repeat):
                elapsed, body = download(port, f"/opendata/downloads/{month}.{fmt}")
                times[fmt].append(elapsed)
                if fmt == "csv":
                    csv_rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
                else:
                    parquet_rows = pq.read_table(io.BytesIO(body)).to_pylist()
    finally:
        server.terminate()
        server.wait(timeout=30)
    if [r["crime_id"] for r in csv_rows] != [r["crime_id"] for r in parquet_rows]:
        raise SystemExit("the CSV and Parquet files hold different rows")
    ref = reference(month, args.repeat)
    if ref["rows"] != len(csv_rows):
        raise SystemExit("the reference read a different number of rows")
    http_csv = round(statistics.median(times["csv"]), 3)
    http_parquet = round(statistics.median(times["parquet"]), 3)
    print(f"{month}: {len(csv_rows)} records")
    print(
        f"download over HTTP (median of {args.repeat}): CSV {http_csv} s, Parquet {http_parquet} s"
    )
    print(
        f"writing only, same rows: product CSV {ref['product_csv_write_s']} s vs pandas.to_csv"
        f" {ref['pandas_to_csv_s']} s; product Parquet {ref['product_parquet_write_s']} s vs"
        f" pandas.to_parquet {ref['pandas_to_parquet_s']} s; reading rows {ref['read_rows_s']} s"
    )
    print(
        json.dumps(
            {
                "benchmark": "opendata_bulk",
                "month": month,
                "rows": len(csv_rows),
                "http_csv_s": http_csv,
                "http_parquet_s": http_parquet,
                **ref,
                "goal_s": 5,
                "met": max(http_csv, http_parquet) < 5,
            }
        )
    )


if __name__ == "__main__":
    main()
