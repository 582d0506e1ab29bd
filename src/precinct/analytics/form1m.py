"""Official crime statistics: Form No. 1-M workbooks, categories, region names and rates.

Form No. 1-M "On registered criminal offences" is published by the Committee on Legal
Statistics and Special Accounts as one workbook per region. Sheet ``R1`` holds one row per
indicator: totals, severity groups, then the 18 chapters of the Criminal Code, each
followed by its articles ("Кража (ст.188)") and, indented under some articles, breakdowns
("из квартир"). Column E is graph 1 (offences in proceedings), F graph 2 (registered in
the period, the figure used for rates), and so on to graph 31 (AI); see
``COLUMN_TITLES``.

The layout is checked cell by cell before anything is read, so a workbook of another
form or an older edition fails with :class:`Form1MLayoutError` naming the file and the
cell, never with half-read numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "CATEGORIES",
    "CATEGORY_RULES",
    "COLUMN_TITLES",
    "Form1MLayoutError",
    "Form1MRow",
    "Form1MSheet",
    "categorise",
    "category_of",
    "rate_per_10k",
    "read_form1m_dir",
    "read_form1m_workbook",
    "region_key",
]

N_COLUMNS = 31  # graphs 1..31, columns E..AI
FIRST_DATA_ROW = 7
REGISTERED = 1  # index of graph 2 (registered in the period) in Form1MRow.graf

# Short English titles of the 31 graphs (R1_header_rows.txt has the Russian originals).
COLUMN_TITLES = (
    "in proceedings in the period",
    "registered in the period (ERDR)",
    "of which committed in previous years",
    "of graph 2: against women",
    "of graph 2: against minors",
    "proceedings completed in the period",
    "sent to court",
    "of which: investigation",
    "of which: inquiry",
    "of which: protocol form",
    "of which after a plea agreement",
    "discontinued under art. 35 p. 1 (3, 4, 9-12) and art. 36 CPC",
    "discontinued under art. 35 p. 1 (1, 2, 5-8) CPC",
    "investigation interrupted: total",
    "interrupted: offender not identified (art. 45 p. 7 (1))",
    "interrupted: suspect abroad (art. 45 p. 7 (2))",
    "interrupted: suspect absconded (art. 45 p. 7 (3))",
    "interrupted: suspect's illness (art. 45 p. 7 (4))",
    "interrupted: legal assistance (art. 45 p. 7 (5))",
    "interrupted: missing person not found (art. 45 p. 7 (6))",
    "interrupted: immunity or extradition (art. 45 p. 7 (7))",
    "interrupted: force majeure (art. 45 p. 7 (8))",
    "interrupted: expert examination (art. 45 p. 7 (9))",
    "investigation time expired",
    "transferred to another body",
    "committed in public places",
    "of which in streets, squares, parks",
    "committed in the family and household sphere",
    "undetected misdemeanours closed by limitation",
    "investigations separated for persons",
    "qualification determined under art. 203 CPC",
)

# Cells that identify the layout: (cell, expected text or number). Text is compared
# after collapsing whitespace.
_LAYOUT = [
    ("A3", "Раздел 1. Сведения о зарегистрированных уголовных правонарушениях"),
    ("A4", "Наименование показателей"),
    ("D4", "Шифр строки"),
    ("F4", "Количество правонарушений, зарегистрированных в ЕРДР в отчетном периоде"),
    ("A6", "А"),
    ("D6", "Б"),
] + [
    (f"{_col}6", _k + 1)
    for _k, _col in enumerate(
        [chr(c) for c in range(ord("E"), ord("Z") + 1)]
        + [f"A{chr(c)}" for c in range(ord("A"), ord("I") + 1)]
    )
]

_ARTICLE = re.compile(r"\(ст\.\s*(\d{1,3})(?:-(\d+))?\.?\s*\)")
_CHAPTER = re.compile(r"^Глава\s+(\d+)\.")


class Form1MLayoutError(ValueError):
    """A workbook that is not a Form 1-M of the expected layout."""


@dataclass(frozen=True)
class Form1MRow:
    """One indicator row of sheet R1.

    ``article`` is the Criminal Code article as printed ("188", "188-1") or None;
    ``article_number`` its main number (188); ``chapter`` the Criminal Code chapter the row
    sits in (None above chapter 1); ``breakdown`` marks rows indented under an article
    ("из квартир" under theft), which are part of that article's count, not additions
    to it. ``graf`` holds graphs 1..31.
    """

    row_code: int
    indicator: str
    article: str | None
    article_number: int | None
    chapter: int | None
    breakdown: bool
    graf: tuple[int, ...]

    @property
    def registered(self) -> int:
        """Graph 2: offences registered in the unified register (ERDR) in the period."""
        return self.graf[REGISTERED]


@dataclass(frozen=True)
class Form1MSheet:
    """Sheet R1 of one region's workbook."""

    region: str  # from the file name, as in form1M_R1_by_region_tidy.csv
    title: str | None  # the workbook's own title, e.g. "1-M  Алматы (Свод)"
    path: str
    rows: list[Form1MRow]

    @property
    def total_registered(self) -> int:
        """Row 1, graph 2: all registered criminal offences."""
        return self.rows[0].registered

    def table(self) -> np.ndarray:
        """Graphs 1..31 of every row as an int64 array (rows × 31)."""
        return np.array([r.graf for r in self.rows], dtype=np.int64)


def read_form1m_workbook(path: str | Path) -> Form1MSheet:
    """Read sheet R1 of one Form 1-M workbook after checking its layout.

    Examples
    --------
    >>> from pathlib import Path
    >>> xlsx = Path("../shared/data/kz_crime/xlsx/Astana.XLSX")
    >>> sheet = read_form1m_workbook(xlsx) if xlsx.exists() else None
    >>> sheet is None or (sheet.region, sheet.rows[0].row_code) == ("Astana", 1)
    True
    """
    import openpyxl  # only the importers need it

    path = Path(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip, xml or format errors all mean "not a workbook"
        raise Form1MLayoutError(f"{path.name}: not a readable .xlsx workbook ({exc})") from exc
    try:
        if "R1" not in wb.sheetnames:
            raise Form1MLayoutError(
                f"{path.name}: sheet R1 missing (sheets: {', '.join(wb.sheetnames[:8])})"
            )
        cells = [list(r) for r in wb["R1"].iter_rows(values_only=True)]
        title = wb.properties.title
    finally:
        wb.close()
    _check_layout(path.name, cells)
    return Form1MSheet(region=path.stem, title=title, path=str(path), rows=_rows(path.name, cells))


def _cell(cells: list[list], ref: str):
    """The value at an A1-style reference, or None outside the sheet."""
    letters = re.match(r"[A-Z]+", ref).group()
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - ord("A") + 1
    row = int(ref[len(letters) :])
    if row > len(cells) or col > len(cells[row - 1]):
        return None
    return cells[row - 1][col - 1]


def _text(value) -> str:
    """Cell text with runs of whitespace collapsed."""
    return " ".join(str(value).split()) if value is not None else ""


def _check_layout(name: str, cells: list[list]) -> None:
    """Form1MLayoutError at the first header cell that is not as expected."""
    for ref, expected in _LAYOUT:
        got = _cell(cells, ref)
        same = _text(got) == expected if isinstance(expected, str) else got == expected
        if not same:
            raise Form1MLayoutError(
                f"{name}: header cell {ref} of sheet R1 is {_text(got)!r}, expected "
                f"{expected!r}: not the Form 1-M layout this importer knows"
            )
    if len(cells) < FIRST_DATA_ROW:
        raise Form1MLayoutError(f"{name}: sheet R1 has no data rows")


def _rows(name: str, cells: list[list]) -> list[Form1MRow]:
    """Data rows from row 7 on: row codes must run 1, 2, 3… and values be whole numbers."""
    rows = []
    chapter = None
    for r, raw in enumerate(cells[FIRST_DATA_ROW - 1 :], start=FIRST_DATA_ROW):
        raw = raw + [None] * (4 + N_COLUMNS - len(raw))
        if all(v is None for v in raw[: 4 + N_COLUMNS]):
            continue  # trailing empty rows
        code = raw[3]
        if code != len(rows) + 1:
            raise Form1MLayoutError(
                f"{name}: cell D{r} (row code) is {_text(code)!r}, expected {len(rows) + 1}"
            )
        graf = []
        for k, v in enumerate(raw[4 : 4 + N_COLUMNS]):
            if v is None:
                v = 0  # an empty cell is a zero in these reports
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                col = _column_letters(5 + k)
                raise Form1MLayoutError(f"{name}: cell {col}{r} is {_text(v)!r}, expected a count")
            graf.append(v)
        parts = [_text(v) for v in raw[:3] if _text(v)]
        indicator = " / ".join(parts)
        label = parts[-1] if parts else ""
        if m := _CHAPTER.match(label):
            chapter = int(m.group(1))
        art = _ARTICLE.search(label)
        last = raw[2] if raw[2] is not None else raw[1]
        rows.append(
            Form1MRow(
                row_code=code,
                indicator=indicator,
                article=(art.group(1) + (f"-{art.group(2)}" if art.group(2) else ""))
                if art
                else None,
                article_number=int(art.group(1)) if art else None,
                chapter=chapter,
                breakdown=isinstance(last, str) and last.startswith("  ") and not art,
                graf=tuple(graf),
            )
        )
    return rows


def _column_letters(col: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def read_form1m_dir(directory: str | Path) -> list[Form1MSheet]:
    """Every ``*.xlsx`` workbook of a folder (any case of the suffix), sorted by region.

    Reads all of them before returning, so one bad workbook fails the whole import.
    """
    directory = Path(directory)
    paths = sorted(p for p in directory.iterdir() if p.suffix.lower() == ".xlsx")
    if not paths:
        raise Form1MLayoutError(f"{directory}: no .xlsx workbooks")
    sheets = [read_form1m_workbook(p) for p in paths]
    keys = [region_key(s.region) for s in sheets]
    doubled = sorted({k for k in keys if keys.count(k) > 1})
    if doubled:
        raise Form1MLayoutError(f"{directory}: more than one workbook for {', '.join(doubled)}")
    return sheets


# --- categories --------------------------------------------------------------------

# (category, articles or chapter) in order of precedence: an article rule wins over its
# chapter's rule. Chapters are those of the Criminal Code of 2014 (Form 1-M's grouping).
CATEGORY_RULES: list[tuple[str, str, tuple]] = [
    ("theft", "articles", ("187", "188", "188-1")),  # petty theft, theft, cattle theft
    ("fraud", "articles", ("190",)),
    ("robbery", "articles", ("191", "192")),  # грабёж (open theft) and разбой (robbery)
    ("hooliganism", "articles", ("293",)),
    # Narcotics articles of chapter 11 (296-303; 301 is poisons, kept with them).
    ("drugs", "articles", ("296", "297", "298", "299", "299-1", "300", "301", "302", "303")),
    ("person", "chapter", (1,)),  # murder, bodily harm, rape… (attempts included)
    ("property_other", "chapter", (6,)),  # embezzlement, extortion, damage…
    ("corruption", "chapter", (15,)),  # abuse of office, bribery, negligence (361-371)
    ("traffic", "chapter", (14,)),  # transport offences, road traffic above all (344-360)
]
CATEGORIES = (
    "person",
    "theft",
    "fraud",
    "robbery",
    "property_other",
    "hooliganism",
    "drugs",
    "corruption",
    "traffic",
    "other",
)


def category_of(article: str | None, chapter: int | None) -> str:
    """The category of an article (or of an unnamed row of a chapter).

    Examples
    --------
    >>> category_of("188", 6), category_of("194", 6), category_of("293", 10)
    ('theft', 'property_other', 'hooliganism')
    >>> category_of(None, 1), category_of("450", 18)
    ('person', 'other')
    """
    for category, kind, members in CATEGORY_RULES:
        if kind == "articles" and article in members:
            return category
    for category, kind, members in CATEGORY_RULES:
        if kind == "chapter" and chapter in members:
            return category
    return "other"


def categorise(rows: list[Form1MRow], graph: int = 2) -> dict[str, int]:
    """Offences per category (graph 2, registered, by default); they sum to row 1.

    Counted: the article rows, plus the rows of a chapter that are neither an article nor
    a breakdown (e.g. "приготовление и покушение на убийство", counted apart from
    murder), so each chapter's articles add up to the chapter. Chapter totals, breakdowns
    and the summary rows above chapter 1 are not counted again. What the chapters do not
    cover (row 1 minus their sum; zero in the published workbooks) goes to ``other``.

    Examples
    --------
    >>> def r(code, n, art=None, ch=None, text="", brk=False):
    ...     return Form1MRow(code, text, art, None, ch, brk, (0, n) + (0,) * 29)
    >>> rows = [r(1, 10), r(2, 10, ch=6, text="Глава 6."), r(3, 5, "188", 6),
    ...         r(4, 4, ch=6, brk=True), r(5, 2, "190", 6), r(6, 3, "293", 6)]
    >>> {k: v for k, v in categorise(rows).items() if v}
    {'theft': 5, 'fraud': 2, 'hooliganism': 3}
    """
    col = graph - 1
    out = dict.fromkeys(CATEGORIES, 0)
    total = rows[0].graf[col]
    counted = 0
    for row in rows:
        is_chapter_row = row.article is None and row.indicator.startswith("Глава")
        if row.chapter is None or row.breakdown or is_chapter_row:
            continue
        out[category_of(row.article, row.chapter)] += row.graf[col]
        counted += row.graf[col]
    out["other"] += total - counted
    return out


# --- regions -------------------------------------------------------------------------

# Spelling variants (after lower-casing, "-" → " ") → the key used across precinct.
_REGION_SPELLINGS = {
    "abai": "abai",
    "abay": "abai",
    "абай": "abai",
    "akmola": "akmola",
    "aqmola": "akmola",
    "акмолинская": "akmola",
    "aktobe": "aktobe",
    "aqtobe": "aktobe",
    "актюбинская": "aktobe",
    "almaty region": "almaty-region",
    "алматинская": "almaty-region",
    "almaty": "almaty-city",
    "алматы": "almaty-city",
    "astana": "astana-city",
    "nur sultan": "astana-city",
    "астана": "astana-city",
    "atyrau": "atyrau",
    "атырауская": "atyrau",
    "east kazakhstan": "east-kazakhstan",
    "восточно казахстанская": "east-kazakhstan",
    "jambyl": "zhambyl",
    "zhambyl": "zhambyl",
    "жамбылская": "zhambyl",
    "jetisu": "zhetysu",
    "zhetysu": "zhetysu",
    "jetysu": "zhetysu",
    "жетісу": "zhetysu",
    "жетысу": "zhetysu",
    "karaganda": "karaganda",
    "karagandy": "karaganda",
    "qaraghandy": "karaganda",
    "карагандинская": "karaganda",
    "kostanay": "kostanay",
    "kostanai": "kostanay",
    "qostanay": "kostanay",
    "костанайская": "kostanay",
    "kyzylorda": "kyzylorda",
    "qyzylorda": "kyzylorda",
    "кызылординская": "kyzylorda",
    "mangystau": "mangystau",
    "mangistau": "mangystau",
    "mangistay": "mangystau",
    "мангистауская": "mangystau",
    "north kazakhstan": "north-kazakhstan",
    "северо казахстанская": "north-kazakhstan",
    "pavlodar": "pavlodar",
    "павлодарская": "pavlodar",
    "shymkent": "shymkent-city",
    "шымкент": "shymkent-city",
    "turkistan": "turkistan",
    "turkestan": "turkistan",
    "туркестанская": "turkistan",
    "ulytau": "ulytau",
    "улытау": "ulytau",
    "west kazakhstan": "west-kazakhstan",
    "западно казахстанская": "west-kazakhstan",
    "kazakhstan": "kazakhstan",
    "republic of kazakhstan": "kazakhstan",
}
# Words that say what kind of unit a name is, dropped before the look-up.
_NOISE = re.compile(
    r"\b(the|city|region|oblast|province|obl|область|обл|г|город|свод|1 m)\b\.?", re.IGNORECASE
)


def region_key(name: str) -> str:
    """A canonical key for a region's name, so crime files and population tables join.

    Handles the spellings of both files (Abai/Abay, Jambyl/Zhambyl, Jetisu/Zhetysu,
    Karaganda/Karagandy, Mangystau/Mangistay), hyphens, "Region"/"city" words, and the
    Russian names of the workbook titles. "Almaty" alone or "Almaty city" is the city;
    "Almaty Region" the region around it.

    Examples
    --------
    >>> region_key("Abay Region"), region_key("Abai Region"), region_key("Jetisu Region")
    ('abai', 'abai', 'zhetysu')
    >>> region_key("Almaty"), region_key("Almaty city"), region_key("Almaty Region")
    ('almaty-city', 'almaty-city', 'almaty-region')
    >>> region_key("1-M  г.Шымкент (Свод)"), region_key("East-Kazakhstan Region")
    ('shymkent-city', 'east-kazakhstan')
    """
    text = name.lower().replace("ё", "е")
    text = re.sub(r"[()\-_.,]", " ", text)
    is_region = bool(re.search(r"\b(region|oblast|область|обл)\b", text))
    words = " ".join(_NOISE.sub(" ", text).split())
    if words == "almaty" and is_region:
        return "almaty-region"
    if words in _REGION_SPELLINGS:
        return _REGION_SPELLINGS[words]
    raise ValueError(f"unknown region name {name!r} (normalised to {words!r})")


def rate_per_10k(count, population) -> np.ndarray:
    """Offences per 10,000 residents; NaN where the population is zero or missing.

    Examples
    --------
    >>> rate_per_10k(np.array([34891, 5]), np.array([2161695, 0])).round(2).tolist()
    [161.41, nan]
    """
    count = np.asarray(count, dtype=np.float64)
    population = np.asarray(population, dtype=np.float64)
    out = np.full(np.broadcast(count, population).shape, np.nan)
    np.divide(count * 10_000, population, out=out, where=population > 0)
    return out
