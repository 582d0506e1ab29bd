"""Where the tests find the shared open data, without Django (the numeric core's tests).

The same rule as ``precinct.settings.SHARED_DATA_DIR`` (``tests/core`` checks they agree):
``PRECINCT_SHARED_DATA`` if set, else ``../shared/data`` beside the checkout.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(
    os.environ.get("PRECINCT_SHARED_DATA", ROOT.parent / "shared" / "data")
).resolve()
