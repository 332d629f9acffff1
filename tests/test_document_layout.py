"""The report's document in the official layout (GB/T 9704-2012): the drafted DOCX reopened with python-docx,
and where LibreOffice is installed, converted to PDF the way a reader would print it."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from registry.demo import load_demo_data
from registry.models import Enterprise
from registry.reports import document as layout
from registry.reports.document import OfficialDocument, chinese_date, number, title_lines, wan

SEVEN_MONTHS = {"preset": "months", "year": "2021", "months": "7"}


@pytest.fixture
def demo_docx(app, client, auth) -> bytes:
    """The document of the seed report's period (the demo's finished report), downloaded as a report writer
    would."""
    with app.app_context():
        load_demo_data()
    auth.login("rw", roles=("report_writer",))
    response = client.get("/reports/draft.docx", query_string=SEVEN_MONTHS)
    assert response.status_code == 200
    return response.get_data()


@pytest.fixture
def demo(demo_docx):
    return Document(io.BytesIO(demo_docx))


def east_asian_font(style) -> str | None:
    rpr = style.element.rPr
    return None if rpr is None or rpr.rFonts is None else rpr.rFonts.get(qn("w:eastAsia"))


def test_the_page_is_a4_with_the_standard_margins(demo):
    (section,) = demo.sections
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]


@pytest.mark.parametrize(
    ("style", "face", "size"),
    [
        ("Normal", "仿宋_GB2312", 16),  # 正文 三号
        ("公文标题", "方正小标宋简体", 22),  # 二号
        ("一级标题", "黑体", 16),
        ("二级标题", "楷体_GB2312", 16),
        ("落款", "仿宋_GB2312", 16),
        ("页码", "宋体", 14),  # 四号
    ],
)
def test_each_style_names_its_chinese_face_and_size(demo, style, face, size):
    style = demo.styles[style]
    assert east_asian_font(style) == face, "Chinese text gets the Chinese face"
    assert style.font.name == face
    assert style.font.size == Pt(size)
    assert style.font.color.rgb == layout.BLACK and style.font.color.theme_color is None
    assert style.font.bold is False


def test_the_body_sets_22_lines_a_page_and_indents_two_characters(demo):
    body = demo.styles["Normal"].paragraph_format
    assert body.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert body.line_spacing.pt == pytest.approx(28.9, abs=0.05)
    section = demo.sections[0]
    text_height = section.page_height - section.top_margin - section.bottom_margin
    assert int(text_height / body.line_spacing) == 22
    assert body.first_line_indent == Pt(32)  # two characters of 16 pt
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert body.space_after == 0 and body.space_before == 0


def test_every_paragraph_takes_its_fonts_from_a_style(demo):
    names = set()
    for paragraph in demo.paragraphs:
        names.add(paragraph.style.name)
        assert east_asian_font(paragraph.style), paragraph.style.name
        for run in paragraph.runs:
            assert run.font.name is None and run.font.size is None, run.text
    assert names == {"公文标题", "Normal", "一级标题", "二级标题", "落款"}
    chapters = [p.text for p in demo.paragraphs if p.style.name == "一级标题"]
    assert [c[0] for c in chapters] == list("一二三四五六七八九")
    sections = [p.text for p in demo.paragraphs if p.style.name == "二级标题"]
    assert len(sections) == 24 and sections[0] == "1.简政放权释放企业创新活力"
    assert demo.styles["一级标题"].paragraph_format.keep_with_next


def test_the_title_is_centred_and_breaks_between_phrases(demo):
    title = demo.paragraphs[0]
    assert title.style.name == "公文标题"
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.style.paragraph_format.first_line_indent == 0
    assert title.text == "辽宁省推动创新创业高质量发展\n打造“双创”升级版工作方案的落实情况"
    assert demo.core_properties.title == title.text.replace("\n", "")


def test_the_footer_numbers_pages_as_dash_number_dash(demo):
    footer = demo.sections[0].footer
    (paragraph,) = footer.paragraphs
    assert paragraph.style.name == "页码"
    assert paragraph.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert paragraph.text == "— 1 —"
    kinds = [c.get(qn("w:fldCharType")) for c in paragraph._p.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    assert [i.text.strip() for i in paragraph._p.iter(qn("w:instrText"))] == ["PAGE"]


def test_the_language_is_simplified_chinese_throughout(demo, demo_docx):
    defaults = demo.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = defaults.find(qn("w:lang"))
    assert (lang.get(qn("w:val")), lang.get(qn("w:eastAsia"))) == ("zh-CN", "zh-CN")
    assert demo.settings.element.find(qn("w:themeFontLang")).get(qn("w:eastAsia")) == "zh-CN"
    assert demo.core_properties.language == "zh-CN"
    with zipfile.ZipFile(io.BytesIO(demo_docx)) as package:
        parts = {name: package.read(name).decode() for name in package.namelist() if name.endswith(".xml")}
    languages = {
        lang for text in parts.values() for lang in re.findall(r'w:(?:val|eastAsia)="(\w\w-\w\w)"', text)
    }
    assert languages == {"zh-CN"}, "no part (such as the template's copy of its styles) says en-US"


def test_the_issuer_and_date_close_the_document_right_aligned(demo):
    *_, last_text, issuer, dated = demo.paragraphs
    assert (issuer.text, dated.text) == ("盘山县人民政府", "2021年8月5日")
    for paragraph in (issuer, dated):
        assert paragraph.style.name == "落款"
        assert paragraph.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # GB/T 9704 §7.3.5.2: the date two characters from the edge, starting two characters right of the issuer
    assert dated.paragraph_format.right_indent == Pt(32)
    assert issuer.paragraph_format.right_indent == Pt(48)
    assert issuer.paragraph_format.space_before == layout.LINE  # one empty line after the text
    assert last_text.style.name == "Normal"


def test_nothing_in_the_body_looks_generated(demo):
    texts = [p.text for p in demo.paragraphs] + [p.text for p in demo.sections[0].footer.paragraphs]
    for text in texts:
        assert not re.search(r"自动生成|登记系统|generated|python-docx", text, flags=re.I), text
    assert "登记系统" in demo.core_properties.comments  # the note on how the draft came about
    assert demo.core_properties.author == "盘山县人民政府"


def test_amounts_are_written_without_separators_or_trailing_zeros(demo):
    text = "\n".join(p.text for p in demo.paragraphs)
    assert "涉及金额460万元（其中来访案件涉及金额284.15万元，线索平台175.85万元）" in text
    assert "三农、涉农、小微企业贷款累计6753万元" in text
    assert not re.search(r"\d,\d{3}|\.00", text)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (1100, "1100"),
        (Decimal("1100.00"), "1100"),
        (Decimal("6753"), "6753"),
        (Decimal("2.50"), "2.5"),
        (2.5, "2.5"),
        (Decimal("0.35"), "0.35"),
        (Decimal("1234567.89"), "1234567.89"),
        (Decimal("0.005"), "0.01"),
        (Decimal("0"), "0"),
    ],
)
def test_numbers_are_written_as_official_documents_write_them(value, written):
    assert number(value) == written
    assert wan(value) == written + "万元"


def test_dates_are_written_year_month_day():
    assert chinese_date(date(2021, 8, 5)) == "2021年8月5日"
    assert chinese_date(date(2021, 12, 31)) == "2021年12月31日"


def test_the_draft_names_firms_by_short_name_when_they_have_one(demo_docx, app, client):
    full = "\n".join(p.text for p in Document(io.BytesIO(demo_docx)).paragraphs)
    assert "全力推进大禹防水重点上市后备企业上市工作" in full  # the demo's short name, as the seed writes it
    assert "辽宁大禹防水科技发展股份有限公司" not in full
    with app.app_context():
        from sqlalchemy import update

        from registry.extensions import db

        db.session.execute(update(Enterprise).where(Enterprise.name.contains("大禹")).values(short_name=None))
        db.session.commit()
    # The finished report keeps its document; a draft of a later period names the firm as it is now.
    again = client.get("/reports/draft.docx", query_string=SEVEN_MONTHS).get_data()
    assert again == demo_docx
    response = client.get("/reports/draft.docx", query_string={"start": "2021-01-01", "end": "2021-08-31"})
    text = "\n".join(p.text for p in Document(io.BytesIO(response.get_data())).paragraphs)
    assert "全力推进辽宁大禹防水科技发展股份有限公司重点上市后备企业上市工作" in text


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("关于2021年工作的报告", ["关于2021年工作的报告"]),
        (
            "辽宁省推动创新创业高质量发展打造“双创”升级版工作方案的落实情况",
            ["辽宁省推动创新创业高质量发展", "打造“双创”升级版工作方案的落实情况"],
        ),
        # "深入推动": a phrase word right after another is no place to break
        (
            "盘山县科学技术局深入推动科技型中小企业梯度培育工作的报告",
            ["盘山县科学技术局", "深入推动科技型中小企业梯度培育工作的报告"],
        ),
        ("一行\n两行", ["一行", "两行"]),
        (
            "没有任何可以断开的位置的一个非常非常非常非常长的标题文字",
            ["没有任何可以断开的位置的一个非常非常非常非常长的标题文字"],
        ),
    ],
)
def test_long_titles_break_between_phrases(text, lines):
    assert title_lines(text, 20) == lines


def test_section_headings_and_signatures_of_any_length():
    document = OfficialDocument()
    document.title("关于测试的报告")
    document.chapter("一、总体情况")
    document.section("（一）主要做法")
    document.paragraph("正文。")
    document.signature("盘山县科学技术和工业信息化局", date(2021, 12, 31))
    reopened = Document(io.BytesIO(document.to_bytes()))
    styles = [p.style.name for p in reopened.paragraphs]
    assert styles == ["公文标题", "一级标题", "二级标题", "Normal", "落款", "落款"]
    heading = reopened.styles["二级标题"]
    assert east_asian_font(heading) == "楷体_GB2312" and heading.font.size == Pt(16)
    levels = [
        reopened.styles[s].element.pPr.find(qn("w:outlineLvl")).get(qn("w:val"))
        for s in ("一级标题", "二级标题")
    ]
    assert levels == ["0", "1"]  # Word's navigation pane lists them
    issuer, dated = reopened.paragraphs[-2:]
    # an issuer longer than the date: the issuer two characters from the edge, the date under it shifted
    # two characters right of the issuer's first character
    assert issuer.paragraph_format.right_indent == Pt(32)
    assert dated.text == "2021年12月31日"
    assert dated.paragraph_format.right_indent == Pt(16 * (14 - layout.width("2021年12月31日")))


DEMO_PAGES = 10


def chinese_font_installed() -> bool:
    if shutil.which("fc-list") is None:
        return False
    return bool(subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip())


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.skipif(not chinese_font_installed(), reason="no Chinese font: pages would be counted in boxes")
def test_libreoffice_prints_the_demo_report_on_its_a4_pages(demo_docx, tmp_path):
    source = tmp_path / "draft.docx"
    source.write_bytes(demo_docx)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = tmp_path / "draft.pdf"
    assert pdf.exists()
    pages, sizes = pdf_pages(pdf)
    # the seed's whole text in the official layout (22 lines of 28 characters a page), as read on the pages
    assert pages == DEMO_PAGES
    assert all(abs(w - 595.3) < 1 and abs(h - 841.9) < 1 for w, h in sizes), sizes


def pdf_pages(pdf) -> tuple[int, list[tuple[float, float]]]:
    """Page count and page sizes (pt), by poppler's pdfinfo where it is installed, else from the PDF itself."""
    if shutil.which("pdfinfo"):
        out = subprocess.run(
            ["pdfinfo", "-f", "1", "-l", "99", str(pdf)], check=True, capture_output=True, text=True
        ).stdout
        pages = int(re.search(r"^Pages:\s+(\d+)", out, flags=re.M).group(1))
        sizes = [(float(w), float(h)) for w, h in re.findall(r"size:\s+([\d.]+) x ([\d.]+) pts", out)]
        return pages, sizes
    raw = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", raw))
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", raw)
    return pages, [(float(w), float(h)) for w, h in boxes]
