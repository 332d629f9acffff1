"""The report as a document: its blocks of text (kind, text), and a DOCX made of them.

:func:`document_blocks` is what every rendering reads: the title, the preamble, each chapter and section
heading with its paragraphs (placeholders filled in), the issuer and the date. :func:`render_docx` is the
one small function that lays them out (the GB/T 9704 layout replaces it).
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from ...models import Report
from . import carry
from .placeholders import render
from .sources import ReportSources, sources_for

KINDS = ("title", "preamble", "chapter", "section", "body", "issuer", "date")
Block = tuple[str, str]


def chinese_date(day: date) -> str:
    """2021年8月5日"""
    return f"{day.year}年{day.month}月{day.day}日"


def section_number(code: str) -> str:
    return code.split(".", 1)[1] if "." in code else code


def document_blocks(report: Report, sources: ReportSources | None = None) -> list[Block]:
    """The document's blocks in reading order: (kind, text), kind one of :data:`KINDS`."""
    sources = sources or sources_for(report)
    texts = {s.code: s for s in report.sections if s.archived_at is None}
    blocks: list[Block] = [("title", report.title)]
    blocks += [("preamble", p) for p in render(report.preamble, sources).plain]

    def body(code: str) -> list[Block]:
        section = texts.get(code)
        return [("body", p) for p in render(section.text, sources).plain] if section is not None else []

    for chapter, sections in carry.structure(report.outline):
        heading = texts[chapter.code].heading if chapter.code in texts else chapter.heading
        blocks.append(("chapter", f"{chapter.code}、{heading}"))
        blocks += body(chapter.code)
        for row in sections:
            heading = texts[row.code].heading if row.code in texts else row.heading
            blocks.append(("section", f"{section_number(row.code)}.{heading}"))
            blocks += body(row.code)
    blocks.append(("issuer", report.issuer))
    blocks.append(("date", chinese_date(report.issued_on or date.today())))
    return blocks


def _font(run, east_asian: str, size: float, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = east_asian
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)


def render_docx(blocks: list[Block], *, title: str = "") -> bytes:
    """A plain DOCX of the blocks: title centred, headings in bold faces, body indented two characters,
    issuer and date right-aligned."""
    document = Document()
    properties = document.core_properties
    properties.title = title
    properties.comments = "由县科技创新企业登记系统起草"
    faces = {
        "title": ("方正小标宋简体", 22, True),
        "chapter": ("黑体", 16, False),
        "section": ("楷体_GB2312", 16, False),
    }
    for kind, text in blocks:
        paragraph = document.add_paragraph()
        face, size, bold = faces.get(kind, ("仿宋_GB2312", 16, False))
        _font(paragraph.add_run(text), face, size, bold)
        if kind == "title":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind in ("issuer", "date"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            paragraph.paragraph_format.first_line_indent = Pt(2 * size)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def document_bytes(report: Report) -> bytes:
    """The report's DOCX: as finalised (stored, byte for byte), else rendered from the current records."""
    if report.is_final and report.document is not None:
        return report.document
    return render_docx(document_blocks(report), title=report.title)
