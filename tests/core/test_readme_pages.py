"""README's table of pages lists only addresses that exist."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def _addresses() -> list[str]:
    text = README.read_text(encoding="utf-8")
    table = text.split("## What you get at", 1)[1].split("\n\n", 2)[1]
    first_cells = [row.split("|")[1] for row in table.splitlines() if row.startswith("| `/")]
    return [a for cell in first_cells for a in re.findall(r"`(/[^`]*)`", cell)]


def test_readme__every_page_in_the_table_exists(client, db):
    addresses = _addresses()
    assert "/territory/locate/" in addresses and len(addresses) > 12
    missing = [a for a in addresses if client.get(a).status_code == 404]
    assert missing == []
