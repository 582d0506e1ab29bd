"""What the project's commands share."""

import argparse
import datetime as dt


def day(text: str) -> dt.date:
    """An argument's local day, YYYY-MM-DD. Refused by the parser (a usage line and the
    reason, exit status 2), not a traceback: a type is called while arguments are parsed,
    before a ``CommandError`` would be caught."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day (YYYY-MM-DD)") from None
