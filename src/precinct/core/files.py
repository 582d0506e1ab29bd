"""Files written once: a message file per idempotency key, never a second one.

The file gateways (SMS and e-mail in ``var/``) name each message file by its key. A
worker killed after writing but before recording the send retries the same key later;
``write_once`` then finds the file and writes nothing, so the resident gets one message.
"""

import os
import re
import tempfile
from pathlib import Path

# Keys become file names: letters, digits, dash and underscore only (no path tricks).
SAFE_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def write_once(path: Path, data: bytes) -> bool:
    """Write ``path`` if it does not exist yet; False if it did (nothing is written).

    The data goes to a private temporary file first and is linked into place in one step,
    so a kill mid-write leaves no half message under the key (the retry writes it whole).
    Files are readable by the owner only: they hold residents' contacts.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    finally:
        os.unlink(tmp)
