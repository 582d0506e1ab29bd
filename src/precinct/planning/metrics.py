"""Planning measures for evaluation, as plain rows per department.

Coverage comes from the network computation (one Dijkstra, then array sums); staffing is
computed in the database. Evaluation reads only these functions.
"""

from precinct.planning import selectors
from precinct.planning.coverage import coverage_report


def coverage_by_department(*, minutes: float = 15) -> list[dict]:
    """Share of residents within ``minutes`` of walking of an open post, per department."""
    report = coverage_report(minutes_list=[minutes], levels=["department"])
    return [
        {
            "department_id": r.id,
            "residents": r.residents,
            "residents_within": r.within[0],
            "share": r.share(0),
        }
        for r in report.rows["department"]
    ]


def staffing_by_department() -> list[dict]:
    """District inspectors needed by the norm, in post, and the shortfall, per department."""
    rows, _, _ = selectors.staffing_report()
    return [
        {
            "department_id": r.department_id,
            "needed": r.needed,
            "actual": r.actual,
            "shortfall": r.shortfall,
            "residents_per_inspector": r.residents_per_inspector,
        }
        for r in rows
    ]
