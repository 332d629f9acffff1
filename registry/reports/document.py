"""Official documents (公文) in the GB/T 9704-2012 layout, written with python-docx.

The layout lives in the styles, defined once here: a writer who opens the document in Word finds the body in
正文 (Word's Normal style, which Chinese Word calls 正文), the title in 公文标题, the chapter and section
headings in 一级标题 and 二级标题, the issuer and date in 落款 and the page number in 页码. Paragraphs carry no
fonts of their own, so changing a style changes the whole document.

python-docx has no API for the East Asian font of a style, the document language, a field, an outline
level or leaving out a part of its template; those few things are done on the XML directly
(``_east_asian_font``, ``_language``, ``_page_field``, ``_outline_level``, ``_drop_template_leftovers``).
Everything else goes through python-docx's API.
"""

from __future__ import annotations

import io
import math
import unicodedata
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

# Page (GB/T 9704-2012 §5.2): A4, text block 156 × 225 mm.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
# The page number's dashes sit 7 mm below the text block (§7.5): 35 mm - 7 mm - one 四号 line.
FOOTER_DISTANCE = Mm(23)

# Sizes: 二号 22 pt, 三号 16 pt, 四号 14 pt.
TITLE_SIZE, BODY_SIZE, PAGE_NUMBER_SIZE = Pt(22), Pt(16), Pt(14)
# 22 lines on the 225 mm text block.
LINE = Pt(28.9)
TITLE_LINE = Pt(35)

# The faces a county office's Word has; elsewhere the reader substitutes a Chinese face because every
# style names its East Asian font and the document says it is zh-CN.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
CHAPTER_FONT = "黑体"
SECTION_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"

BODY = "Normal"  # shown as 正文 in Chinese Word
TITLE = "公文标题"  # not 标题: Chinese Word already shows its built-in Title style under that name
CHAPTER = "一级标题"
SECTION = "二级标题"
SIGNATURE = "落款"
PAGE_NUMBER = "页码"
# The identifiers inside the file are ASCII, as Word writes them, and clash with no built-in style's.
STYLE_IDS = {
    TITLE: "DocTitle",
    CHAPTER: "ChapterHeading",
    SECTION: "SectionHeading",
    SIGNATURE: "IssuerAndDate",
    PAGE_NUMBER: "FooterPageNumber",
}

LANGUAGE = "zh-CN"
BLACK = RGBColor(0, 0, 0)
DASH = "—"  # 一字线

# A title longer than this is left to the word processor to wrap (and the search for breaks stays small).
TITLE_LINES = 3
# Where a long title may break: before these words (a new phrase starts) and before a book title.
PHRASE_STARTS = (
    "关于",
    "推动",
    "打造",
    "加快",
    "促进",
    "推进",
    "实施",
    "开展",
    "加强",
    "深化",
    "深入",
    "落实",
    "进一步",
    "做好",
    "贯彻",
    "印发",
    "转发",
    "《",
)


def number(value) -> str:
    """A number as official documents write it: digits, no thousands separators, no trailing zeros
    (1100, 6753, 2.5, 0.35)."""
    if isinstance(value, bool):
        raise TypeError("a number, not a truth value")
    if isinstance(value, int):
        return str(value)
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{amount:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def wan(value) -> str:
    """An amount in 万元: ``wan(Decimal("1100.00"))`` is ``"1100万元"``."""
    return number(value) + "万元"


def chinese_date(day: date) -> str:
    """A date the way a document is dated: 2021年8月5日."""
    return f"{day.year}年{day.month}月{day.day}日"


def width(text: str) -> float:
    """How many body characters ``text`` takes on a line: a Chinese character or full-width mark is one,
    a digit or Latin letter half."""
    return sum(1 if unicodedata.east_asian_width(c) in "FWA" else 0.5 for c in text)


def title_lines(text: str, per_line: int) -> list[str]:
    """A title broken into lines of at most ``per_line`` characters, between phrases and as evenly as
    the phrases allow; explicit line breaks are kept. A title with no phrase boundary that fits stays one
    line, for the word processor to wrap."""
    if "\n" in text:
        return [line for line in text.split("\n") if line]
    total = width(text)
    if total <= per_line:
        return [text]
    starts = {i for word in PHRASE_STARTS for i in _occurrences(text, word) if 0 < i < len(text)}
    # "深入推动", "关于印发《": a phrase word right after another belongs to it
    starts = {i for i in starts if not text[:i].endswith(PHRASE_STARTS)}
    punctuation = {i + 1 for i, c in enumerate(text) if c in "，、；：" and i + 1 < len(text)}
    cuts = sorted(starts | punctuation)
    for lines in range(math.ceil(total / per_line), TITLE_LINES + 1):
        best = _balanced(text, cuts, lines, per_line)
        if best:
            return best
    return [text]


def _occurrences(text: str, word: str):
    start = text.find(word)
    while start != -1:
        yield start
        start = text.find(word, start + 1)


def _balanced(text: str, cuts: list[int], lines: int, per_line: int) -> list[str] | None:
    """The split into ``lines`` lines at ``cuts`` with every line fitting and the least spread of lengths."""
    best, best_cost = None, None

    def walk(start: int, left: int, chosen: list[int]) -> None:
        nonlocal best, best_cost
        if left == 1:
            if width(text[start:]) > per_line:
                return
            bounds = [0, *chosen, len(text)]
            parts = [text[a:b] for a, b in pairwise(bounds)]
            sizes = [width(p) for p in parts]
            # a cut inside 《…》 or “…” costs as much as four characters of unevenness
            cost = max(sizes) - min(sizes) + 4 * sum(_quoted(text, cut) for cut in chosen)
            if best_cost is None or cost < best_cost:
                best, best_cost = parts, cost
            return
        for cut in cuts:
            if cut > start and width(text[start:cut]) <= per_line:
                walk(cut, left - 1, [*chosen, cut])

    walk(0, lines, [])
    return best


def _quoted(text: str, at: int) -> bool:
    before = text[:at]
    return before.count("《") > before.count("》") or before.count("“") > before.count("”")


class OfficialDocument:
    """A document in the official layout: add a title, headings and paragraphs, then the issuer and date."""

    def __init__(self) -> None:
        self.document = Document()
        _drop_template_leftovers(self.document)
        self._page()
        self._styles()
        self._footer()
        _language(self.document)

    # -- content -----------------------------------------------------------------------------------

    def title(self, text: str) -> None:
        paragraph = self.document.add_paragraph(style=TITLE)
        for i, line in enumerate(title_lines(text, self.per_line(TITLE_SIZE))):
            run = paragraph.add_run()
            if i:
                run.add_break()
            run.add_text(line)

    def paragraph(self, text: str) -> None:
        self.document.add_paragraph(text, style=BODY)

    def chapter(self, text: str) -> None:
        """一级标题: ``一、…``."""
        self.document.add_paragraph(text, style=CHAPTER)

    def section(self, text: str) -> None:
        """二级标题: ``1. …`` or ``（一）…``."""
        self.document.add_paragraph(text, style=SECTION)

    def signature(self, issuer: str, day: date) -> None:
        """The issuer (落款) and the date below it, right-aligned after one empty line (§7.3.5.2): the issuer
        two characters from the right edge and the date starting two characters right of the issuer's first
        character; a date longer than that keeps two characters from the edge and moves the issuer right."""
        dated = chinese_date(day)
        issuer_right, date_right = 2.0, width(issuer) - width(dated)
        if date_right < 2:
            date_right = 2.0
            issuer_right = date_right + width(dated) + 2 - width(issuer)
        first = self.document.add_paragraph(issuer, style=SIGNATURE)
        first.paragraph_format.space_before = LINE
        first.paragraph_format.keep_with_next = True
        first.paragraph_format.right_indent = Pt(BODY_SIZE.pt * issuer_right)
        second = self.document.add_paragraph(dated, style=SIGNATURE)
        second.paragraph_format.right_indent = Pt(BODY_SIZE.pt * date_right)

    def properties(self, *, title: str, author: str, comments: str, day: date) -> None:
        """Document properties (File → Info), where a note on how the text came about belongs."""
        core = self.document.core_properties
        core.title = title.replace("\n", "")
        core.author = author
        core.last_modified_by = author
        core.comments = comments
        core.language = LANGUAGE
        core.created = core.modified = datetime.combine(day, time())
        core.revision = 1

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()

    # -- layout ------------------------------------------------------------------------------------

    @staticmethod
    def per_line(size: Pt) -> int:
        """How many characters of ``size`` fit on a line of the text block."""
        return int((PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / size)

    def _page(self) -> None:
        section = self.document.sections[0]
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        section.footer_distance = FOOTER_DISTANCE
        section.header_distance = Mm(15)
        section.gutter = 0

    def _styles(self) -> None:
        styles = self.document.styles
        body = styles[BODY]
        _font(body, BODY_FONT, BODY_SIZE)
        fmt = body.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.first_line_indent = Pt(BODY_SIZE.pt * 2)
        fmt.widow_control = True

        title = _paragraph_style(styles, TITLE, TITLE_FONT, TITLE_SIZE)
        fmt = title.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.first_line_indent = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = TITLE_LINE
        fmt.space_after = LINE  # one empty line between the title and the text
        fmt.keep_with_next = True

        for name, face, level in ((CHAPTER, CHAPTER_FONT, 0), (SECTION, SECTION_FONT, 1)):
            heading = _paragraph_style(styles, name, face, BODY_SIZE)
            heading.paragraph_format.keep_with_next = True
            _outline_level(heading, level)

        signature = _paragraph_style(styles, SIGNATURE, BODY_FONT, BODY_SIZE)
        signature.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        signature.paragraph_format.first_line_indent = Pt(0)

        page_number = _paragraph_style(styles, PAGE_NUMBER, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        fmt = page_number.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.first_line_indent = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE

    def _footer(self) -> None:
        """“— 1 —”: the page number between two 一字线, centred."""
        footer = self.document.sections[0].footer
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = self.document.styles[PAGE_NUMBER]
        paragraph.add_run(f"{DASH} ")
        _page_field(paragraph)
        paragraph.add_run(f" {DASH}")


def _drop_template_leftovers(document) -> None:
    """python-docx's template carries a thumbnail of its blank Letter page and a second copy of its styles
    for Word 2010 (stylesWithEffects, en-US); both would contradict this document's layout."""
    for rId, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            document.part.drop_rel(rId)
    package_rels = document.part.package.rels
    for rId, rel in list(package_rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            del package_rels[rId]


def _paragraph_style(styles, name: str, face: str, size: Pt):
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = STYLE_IDS[name]
    style.base_style = styles[BODY]
    style.next_paragraph_style = styles[BODY]
    style.quick_style = True
    _font(style, face, size)
    return style


def _font(style, face: str, size: Pt) -> None:
    font = style.font
    font.name = face  # Latin text and digits in the same face
    font.size = size
    font.bold = False
    font.color.rgb = BLACK
    _east_asian_font(style, face)


def _east_asian_font(style, face: str) -> None:
    """The one font attribute python-docx has no API for: the face for Chinese text (``w:eastAsia``)."""
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), face)


def _language(document) -> None:
    """zh-CN for every run (the defaults' ``w:lang``) and for the theme fonts' script, so spelling, line
    breaking and font substitution treat the text as Simplified Chinese."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run_defaults.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_defaults.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    theme_lang = document.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), LANGUAGE)
        theme_lang.set(qn("w:eastAsia"), LANGUAGE)


def _outline_level(style, level: int) -> None:
    """The heading's level in Word's navigation pane and a table of contents."""
    pPr = style.element.get_or_add_pPr()
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), str(level))
    pPr.append(outline)


def _page_field(paragraph) -> None:
    """A PAGE field (begin, instruction, separate, result, end), which the reader fills with the number."""

    def char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    char("begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    paragraph.add_run()._r.append(instruction)
    char("separate")
    paragraph.add_run("1")
    char("end")
