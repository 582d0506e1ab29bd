"""Scorecard exports: CSV and PDF (fpdf2 with a Unicode TrueType font)."""

import csv
import io
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from precinct.core import numbers
from precinct.evaluation import display

CSV_COLUMNS = [
    "department_id", "department", "period", "code", "indicator", "unit", "direction",
    "value", "lower", "upper", "status", "score", "trend_change", "peer_rank", "peer_size",
    "funnel_centre", "funnel_low_95", "funnel_high_95", "funnel_low_998", "funnel_high_998",
    "funnel_position", "funnel_verdict", "n", "n_eff",
]  # fmt: skip
FUNNEL_FIELDS = ("centre", "low_95", "high_95", "low_998", "high_998")


def scorecard_csv(card: dict) -> str:
    """One row per indicator, then the composite index."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    d, period = card["department"], card["period"].label
    for r in card["indicators"]:
        writer.writerow(
            [
                d.pk,
                d.display_name,
                period,
                r["code"],
                r["name"],
                r["unit"],
                r["direction"],
                _fmt(r["value"]),
                _fmt(r["lower"]),
                _fmt(r["upper"]),
                r["status"],
                _fmt(r["score"]),
                _fmt(r["trend"]["change"]) if r["trend"] else "",
                r["peer_rank"] or "",
                r["peer_size"] or "",
                *_funnel_cells(r["funnel"]),
                _fmt(r["n"]),
                _fmt(r["n_eff"]),
            ]
        )
    writer.writerow(
        [
            d.pk,
            d.display_name,
            period,
            "index",
            _("Composite index"),
            "0–100",
            "higher",
            _fmt(card["index"]),
            _fmt(card["index_lower"]),
            _fmt(card["index_upper"]),
            "ok" if card["index"] is not None else "insufficient",
            "",
            "",
            card["peer_rank"] or "",
            card["peer_size"] or "",
            *[""] * (len(FUNNEL_FIELDS) + 2),  # the index is a score: it has no funnel
            "",
            "",
        ]
    )
    return out.getvalue()


def _funnel_cells(f: dict | None) -> list[str]:
    if not f:
        return [""] * (len(FUNNEL_FIELDS) + 2)
    return [_fmt(f[k]) for k in FUNNEL_FIELDS] + [f["position"], f["verdict"]]


def _fmt(x) -> str:
    return "" if x is None else f"{x:.4g}"


def scorecard_pdf(card: dict) -> bytes:
    """A one-page A4 scorecard."""
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    font = Path(settings.PRECINCT_PDF_FONT)
    if font.is_file():
        pdf.add_font("body", "", str(font))
        pdf.set_font("body", size=14)
    else:  # no Unicode font: Latin letters only, the others as "?"
        pdf.set_font("Helvetica", size=14)
        _latin(pdf)
    d = card["department"]
    pdf.multi_cell(
        0, 7, f"{d.display_name} · {card['period'].label}", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font_size(10)
    index = card["index"]
    line = (
        _("Composite index")
        + ": "
        + (
            numbers.number(index, 1)
            + _bracketed(display.interval(card["index_lower"], card["index_upper"]))
            if index is not None
            else _("too little data")
        )
    )
    if card["peer_rank"]:
        line += (
            f" · {card['peer_rank']}/{card['peer_size']} ({display.peer_group(card['peer_group'])})"
        )
    pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    widths = (64, 26, 32, 30, 38)
    pdf.set_font_size(7)
    for text, w in zip(
        (_("Indicator"), _("Value"), _("Interval"), _("Trend"), _("Against the funnel")),
        widths,
        strict=True,
    ):
        pdf.cell(w, 6, _fit(pdf, text, w - 2), border=1)
    pdf.ln()
    for r in card["indicators"]:
        shown = display.indicator(r)
        value = shown["value"] or _status(r["status"])
        trend = shown["trend"].split(" (")[0]
        against = display.funnel(r)["verdict"]
        for text, w in zip(
            (r["name"], value, shown["interval"], trend, against), widths, strict=True
        ):
            pdf.cell(w, 6, _fit(pdf, text, w - 2), border=1)
        pdf.ln()
    pdf.ln(3)
    pdf.multi_cell(
        0, 5,
        _("Methodology version %(v)s. Survey figures are weighted estimates with 95 %% intervals.")
        % {"v": card["methodology_version"]},
    )  # fmt: skip
    return bytes(pdf.output())


def _latin(pdf) -> None:
    cell, multi_cell = pdf.cell, pdf.multi_cell

    def safe(text):
        return str(text).encode("latin-1", "replace").decode("latin-1")

    pdf.cell = lambda w, h, text="", **kw: cell(w, h, safe(text), **kw)
    pdf.multi_cell = lambda w, h, text="", **kw: multi_cell(w, h, safe(text), **kw)


def _fit(pdf, text: str, width: float) -> str:
    """The text cut (with "…") to fit a cell."""
    text = str(text)
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _status(status: str) -> str:
    return {
        "no_data": _("no data"),
        "insufficient": _("too little data"),
        "suppressed": _("suppressed"),
    }.get(status, status)


def _bracketed(text: str) -> str:
    return f" [{text}]" if text else ""
