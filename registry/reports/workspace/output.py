"""The report as a document: its blocks of text (kind, text), and a DOCX made of them.

:func:`document_blocks` is what every rendering reads: the title, the preamble, each chapter and section
heading with its paragraphs (placeholders filled in), the issuer and the date. :func:`render_docx` is the
one function that lays them out, in the official layout of registry/reports/document.py.
"""

from __future__ import annotations

from datetime import date

from ...models import Report
from ..document import OfficialDocument, chinese_date
from . import carry
from .placeholders import render
from .sources import ReportSources, sources_for

# In the document's properties (File → Info), not its text. The document is an official Chinese document
# whatever the writer's interface language, so this note is not translated.
DOCUMENT_NOTE = "由县科技创新企业登记系统根据登记数据和各部门填报数据生成，数字均可在系统中追溯到记录。"
KINDS = ("title", "preamble", "chapter", "section", "body", "issuer", "date")
Block = tuple[str, str]


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


def render_docx(blocks: list[Block], *, title: str = "", issuer: str = "", day: date | None = None) -> bytes:
    """The blocks as an official document (GB/T 9704, registry/reports/document.py): the title, the body in
    正文, the headings in 一级标题 and 二级标题, the issuer and date in 落款, page numbers in the footer."""
    document = OfficialDocument()
    add = {
        "title": document.title,
        "preamble": document.paragraph,
        "body": document.paragraph,
        "chapter": document.chapter,
        "section": document.section,
    }
    signed = dict(blocks)
    for kind, text in blocks:
        if kind in add:
            add[kind](text)
    day = day or date.today()
    issuer = issuer or signed.get("issuer", "")
    document.signature(issuer, day)
    document.properties(
        title=title or signed.get("title", ""),
        author=issuer,
        comments=DOCUMENT_NOTE,
        day=day,
    )
    return document.to_bytes()


def document_bytes(report: Report) -> bytes:
    """The report's DOCX: as finalised (stored, byte for byte), else rendered from the current records."""
    if report.is_final and report.document is not None:
        return report.document
    return report_docx(report)


def report_docx(report: Report) -> bytes:
    """The report's DOCX rendered from the current records (what finalising stores)."""
    return render_docx(
        document_blocks(report),
        title=report.title,
        issuer=report.issuer,
        day=report.issued_on or date.today(),
    )
