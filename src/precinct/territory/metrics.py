"""The read surface of territory: what other apps (the home page) read of it as counts.

Territory's foundations (``geo``, ``network``, ``mapdata``, ``locate``, ``geocoding``,
``models``) are open to every app as well.
"""

from precinct.territory.models import Department, Officer, PopulationPoint, Post, Precinct, Region


def territory_summary() -> dict:
    """Counts for the home page, by provenance, so residents see what is real."""
    region = Region.objects.order_by("id").first()
    posts = Post.objects.all()
    return {
        "region": region,
        "departments": Department.objects.count(),
        "precincts": Precinct.objects.count(),
        "posts_open": posts.filter(state=Post.State.OPEN).count(),
        "posts_real": posts.filter(source="real").count(),
        "posts_total": posts.count(),
        "inspectors": Officer.objects.filter(role=Officer.Role.INSPECTOR, is_active=True).count(),
        "population_points": PopulationPoint.objects.count(),
    }
