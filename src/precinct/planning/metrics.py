"""The read surface of planning: coverage and staffing per department, as plain rows.

Coverage comes from the network computation (one Dijkstra, then array sums); staffing is
computed in the database. Evaluation reads planning only through these functions.
"""

from precinct.planning import selectors
from precinct.planning.coverage import coverage_report, residents_brought
from precinct.territory.models import Post
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


def coverage_of_precinct(*, precinct_id: int, region_id: int, minutes: float = 15) -> dict | None:
    """Residents of one precinct and of its region (the city) within ``minutes`` of walking
    of an open post: ``{"precinct": row, "region": row}``, each row with ``residents``,
    ``residents_within`` and ``share`` (None when the area has no residents).

    None when no walking network has been imported: coverage cannot be known then.
    """
    if not network_imported("walk"):
        return None
    report = coverage_report(minutes_list=[minutes], levels=["precinct", "region"])

    def row(level: str, pk: int) -> dict:
        found = next((r for r in report.rows[level] if r.id == pk), None)
        residents = found.residents if found else 0.0
        within = found.within[0] if found else 0.0
        share = within / residents if residents > 0 else None
        return {"residents": residents, "residents_within": within, "share": share}

    return {
        "minutes": minutes,
        "precinct": row("precinct", precinct_id),
        "region": row("region", region_id),
    }


def coverage_by_area(*, minutes: float = 15) -> dict | None:
    """Residents within ``minutes`` of walking of an open post for every area at once:
    ``{"minutes", "precinct": {id: row}, "department": {id: row}, "region": {id: row},
    "total": row}``, each row with ``residents``, ``residents_within`` and ``share`` (None
    when the area has no residents); a department's row counts its subtree.

    None when no walking network has been imported: coverage cannot be known then.
    """
    if not network_imported("walk"):
        return None
    report = coverage_report(minutes_list=[minutes], levels=["precinct", "department", "region"])

    def row(r) -> dict:
        share = r.within[0] / r.residents if r.residents > 0 else None
        return {"residents": r.residents, "residents_within": r.within[0], "share": share}

    out = {level: {r.id: row(r) for r in report.rows[level]} for level in report.rows}
    residents = sum(r["residents"] for r in out["region"].values())
    within = sum(r["residents_within"] for r in out["region"].values())
    out["total"] = {
        "residents": residents,
        "residents_within": within,
        "share": within / residents if residents > 0 else None,
    }
    return {"minutes": minutes, **out}


def residents_brought_by_post(*, post_id: int, minutes: float = 15) -> list[dict] | None:
    """The residents a post brings within ``minutes`` of walking, per precinct: rows
    ``{"precinct_id", "residents", "residents_brought", "share"}`` (those within reach of
    this post and of no other open post), largest share first; precincts it brings no one
    to have no row.

    None when no walking network has been imported: reach cannot be known then.
    """
    if not network_imported("walk"):
        return None
    post = Post.objects.get(pk=post_id)
    rows = [
        {
            "precinct_id": precinct_id,
            "residents": residents,
            "residents_brought": brought,
            "share": brought / residents if residents > 0 else None,
        }
        for precinct_id, (residents, brought) in residents_brought(
            post=post, minutes=minutes
        ).items()
    ]
    return sorted(rows, key=lambda r: (-(r["share"] or 0), r["precinct_id"]))
