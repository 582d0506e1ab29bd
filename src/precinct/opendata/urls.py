"""/opendata/: the API shaped like data.police.uk (base URL /opendata/api/), bulk downloads
and the feed of releases."""

app_name = "opendata"

urlpatterns = []
