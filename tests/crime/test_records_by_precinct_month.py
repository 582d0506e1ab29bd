"""crime.metrics.records_by_precinct_month: recorded offences per precinct and month."""

import datetime as dt

import pytest

from precinct.crime import metrics
from precinct.crime.models import OffenceRecord, RecordBatch
from precinct.territory.models import Provenance

pytestmark = pytest.mark.django_db


def _records(territory, rows):
    batch = RecordBatch.objects.create(source="test", provenance=Provenance.DERIVED)
    OffenceRecord.objects.bulk_create(
        OffenceRecord(
            source="test", source_ref=str(k), persistent_id=f"p{k}", month=month,
            category=category, department=territory.district_a, precinct=precinct,
            provenance=Provenance.DERIVED, batch=batch,
        )
        for k, (month, category, precinct) in enumerate(rows)
    )  # fmt: skip


def test_counts_per_precinct_and_month(territory):
    a = territory.precinct_a
    jan, feb, mar = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
    _records(territory, [
        (jan, "burglary", a), (jan, "robbery", a), (feb, "burglary", a),
        (feb, "burglary", None),  # no precinct: left out
        (mar, "burglary", a),  # after the period
    ])  # fmt: skip
    rows = metrics.records_by_precinct_month(start=dt.date(2026, 1, 15), end=dt.date(2026, 2, 28))
    assert rows == [
        {"precinct_id": a.pk, "month": jan, "records": 2},
        {"precinct_id": a.pk, "month": feb, "records": 1},
    ]
    only = metrics.records_by_precinct_month(start=jan, end=mar, categories=["robbery"])
    assert only == [{"precinct_id": a.pk, "month": jan, "records": 1}]
