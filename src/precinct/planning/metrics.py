"""The read surface of planning: coverage and staffing per department, as plain rows.

Coverage comes from the network computation (one Dijkstra, then array sums); staffing is
computed in the database. Evaluation reads planning only through these functions.
"""

from precinct.planning import selectors
from precinct.planning.coverage import coverage_report
from precinct.territory.network import network_imported


def coverage_by_department(*, minutes: float = 15) -> list[dict] | None:
    """Share of residents within ``minutes`` of walking of an open post, per department.

    None when no walking network has been imported: coverage cannot be known then.
    """
    if not network_imported("walk"):
        return None
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
