"""The feed of open-data releases: one entry per month released, with its downloads,
as Atom (``/opendata/releases.atom``) and JSON Feed 1.1 (``/opendata/releases.json``).

An entry changes (its ``updated`` date) when the month's records are re-imported. Counts
in the entries go through ``analytics.disclosure``.
"""

import datetime as dt

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from precinct.core.replica import reads_from_replica
from precinct.opendata.downloads import releases

FEED_ID = "tag:precinct,2026:opendata-releases"


def _entries(request) -> list[dict]:
    out = []
    for release in releases():
        slug = release["slug"]
        csv_url = request.build_absolute_uri(reverse("opendata:download", args=[slug, "csv"]))
        parquet_url = request.build_absolute_uri(
            reverse("opendata:download", args=[slug, "parquet"])
        )
        records = release["records"]
        count = (
            _("%(n)s records") % {"n": records}
            if records is not None
            else _("fewer than %(k)s records") % {"k": _min_count()}
        )
        out.append(
            {
                "id": f"{FEED_ID}:{slug}",
                "title": _("Street-level records for %(month)s") % {"month": slug},
                "summary": _("%(count)s; CSV: %(csv)s; Parquet: %(parquet)s")
                % {"count": count, "csv": csv_url, "parquet": parquet_url},
                "url": request.build_absolute_uri(reverse("opendata:downloads")),
                "csv": csv_url,
                "parquet": parquet_url,
                "updated": release["updated"] or timezone.now(),
                "published": _month_end(release["month"]),
            }
        )
    return out


def _min_count() -> int:
    return settings.PRECINCT_DISCLOSURE_MIN_COUNT


def _month_end(month: dt.date) -> dt.datetime:
    """A month's release time: its records are complete once it has ended."""
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return dt.datetime.combine(following, dt.time(), tzinfo=dt.UTC)


@reads_from_replica
def atom(request):
    """The releases as an Atom feed."""
    feed = Atom1Feed(
        title=_("precinct open data: releases"),
        link=request.build_absolute_uri(reverse("opendata:downloads")),
        description=_("One entry per month of street-level records released."),
        feed_url=request.build_absolute_uri(),
        feed_guid=FEED_ID,
    )
    for e in _entries(request):
        feed.add_item(
            title=e["title"],
            link=e["url"],
            description=e["summary"],
            unique_id=e["id"],
            updateddate=e["updated"],
            pubdate=e["published"],
            enclosures=[],
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


@reads_from_replica
def json_feed(request):
    """The releases as a JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
    items = [
        {
            "id": e["id"],
            "url": e["url"],
            "title": e["title"],
            "content_text": e["summary"],
            "date_published": e["published"].isoformat(),
            "date_modified": e["updated"].isoformat(),
            "attachments": [
                {"url": e["csv"], "mime_type": "text/csv"},
                {"url": e["parquet"], "mime_type": "application/vnd.apache.parquet"},
            ],
        }
        for e in _entries(request)
    ]
    body = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": _("precinct open data: releases"),
        "home_page_url": request.build_absolute_uri(reverse("opendata:downloads")),
        "feed_url": request.build_absolute_uri(),
        "items": items,
    }
    return JsonResponse(
        body, content_type="application/feed+json", json_dumps_params={"ensure_ascii": False}
    )
