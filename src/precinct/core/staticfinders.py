"""Static files that live in installed Python packages rather than in the repository."""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

# plotly.js ships inside the plotly wheel (4.6 MB): serve that copy so git never holds it
# and the version is the one pinned in pyproject.toml. Maps then work without internet.
_PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"
_PLOTLY_FILE = "plotly.min.js"
PLOTLY_STATIC_PATH = f"vendor/{_PLOTLY_FILE}"


class PlotlyFinder(BaseFinder):
    """Finds plotly's bundled ``plotly.min.js`` as ``vendor/plotly.min.js``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=_PLOTLY_DIR)
        self.storage.prefix = "vendor"  # collectstatic and WhiteNoise read this

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path != PLOTLY_STATIC_PATH:
            return [] if find_all else None
        match = str(_PLOTLY_DIR / _PLOTLY_FILE)
        return [match] if find_all else match

    def list(self, ignore_patterns):
        yield _PLOTLY_FILE, self.storage
