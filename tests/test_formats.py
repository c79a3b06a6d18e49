"""Documents as people have them: tables (HTML, CSV, XLSX, ODS), DOCX, PPTX, EPUB, saved web
pages, scanned PDFs and images. Each small real file is made here by the library that writes
that format (OCR inputs are drawn with Pillow); nothing is downloaded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.documents import ocr
from qa.documents.corpus import load_document
from qa.errors import DocumentError

AFFINITIES = [("Typename", "Affinity", "Rule"), ("INT INTEGER TINYINT", "INTEGER", "1"),
              ("VARCHAR(255) CLOB", "TEXT", "2"), ("BLOB", "BLOB", "3"),
              ("REAL DOUBLE FLOAT", "REAL", "4")]
NAV = "".join(f'<a href="/{w}">{w}</a> ' for w in ("Home", "Menu", "About", "Download"))
PAGE = f"""<html><head><title>Datatypes In SQLite</title></head><body>
<div class="nav">{NAV}</div>
<h1>1. Datatypes In SQLite</h1>
<p>SQLite uses a dynamic type system: the datatype of a value is associated with the value
itself, not with its container. Most other SQL engines use static, rigid typing.</p>
<h2>Affinity Name Examples</h2>
<p>The table shows how common datatype names are converted into affinities.</p>
<table><caption>Affinities of common type names</caption>
{"".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in AFFINITIES)}
</table>
<div class="footer">This page last modified on 2022-04-27. Copyright notice.</div>
</body></html>"""


def rows_of(document) -> list[tuple[int | None, int | None, str]]:  # noqa: ANN001
    return [(p.table, p.row, p.text) for p in document.paragraphs if p.table is not None]


def test_a_saved_web_page_keeps_its_title_main_content_and_table_rows(tmp_path: Path) -> None:
    path = tmp_path / "datatypes.html"
    path.write_text(PAGE, encoding="utf-8")
    document = load_document(path)
    assert document.title == "Datatypes In SQLite"
    texts = [p.text for p in document.paragraphs]
    assert not any(t in ("Home", "Menu", "About", "Download") or "Home Menu" in t
                   for t in texts)
    assert not any("last modified" in t for t in texts)
    assert rows_of(document)[0] == (1, 1, "Typename: INT INTEGER TINYINT; Affinity: INTEGER; "
                                          "Rule: 1")
    row = next(p for p in document.paragraphs if p.row == 2)
    assert row.section == "Affinities of common type names" and row.role == "body"


def test_csv_xlsx_and_ods_rows_are_paragraphs_under_their_sheet(tmp_path: Path) -> None:
    import pandas as pd
    from openpyxl import Workbook

    (tmp_path / "affinity.csv").write_text("\n".join(",".join(r) for r in AFFINITIES),
                                           encoding="utf-8")
    book = Workbook()
    sheet = book.active
    sheet.title = "Affinities"
    for row in AFFINITIES:
        sheet.append([int(c) if c.isdigit() else c for c in row])
    book.create_sheet("Empty")
    book.save(tmp_path / "affinity.xlsx")
    pd.DataFrame(AFFINITIES[1:], columns=list(AFFINITIES[0])).to_excel(
        tmp_path / "affinity.ods", engine="odf", index=False, sheet_name="Affinities")
    for name in ("affinity.csv", "affinity.xlsx", "affinity.ods"):
        document = load_document(tmp_path / name)
        assert rows_of(document)[2] == (1, 3, "Typename: BLOB; Affinity: BLOB; Rule: 3"), name
        if name != "affinity.csv":
            assert document.paragraphs[0].text == "Affinities"  # the sheet is a section
            assert document.paragraphs[0].role == "heading"


def test_docx_keeps_headings_lists_and_tables_in_order(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Plant safety", level=1)
    document.add_paragraph("The cleanroom is inspected every Monday before the first shift.")
    document.add_paragraph("Gloves", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate([("Zone", "Limit"), ("Bay 4", "10 particles")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("Report any breach to the shift lead.")
    document.save(tmp_path / "safety.docx")
    read = load_document(tmp_path / "safety.docx")
    assert [(p.role, p.text) for p in read.paragraphs] == [
        ("heading", "Plant safety"),
        ("body", "The cleanroom is inspected every Monday before the first shift."),
        ("list_item", "Gloves"), ("body", "Zone: Bay 4; Limit: 10 particles"),
        ("body", "Report any breach to the shift lead.")]
    assert read.title == "Plant safety"
    assert (read.paragraphs[3].table, read.paragraphs[3].row) == (1, 1)


def test_pptx_slides_are_sections_with_their_notes(tmp_path: Path) -> None:
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    for title, body, notes in (("Roadmap", "Pilot line opens in March.", "Say the date twice."),
                               ("Budget", "Capex is 40 million euros.", "")):
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = body
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
    shape = deck.slides[1].shapes.add_table(2, 2, Inches(1), Inches(4), Inches(4), Inches(1))
    for r, row in enumerate([("Item", "Cost"), ("Tools", "12 M€")]):
        for c, value in enumerate(row):
            shape.table.cell(r, c).text = value
    deck.save(tmp_path / "plan.pptx")
    read = load_document(tmp_path / "plan.pptx")
    rows = [(p.page, p.role, p.text) for p in read.paragraphs]
    assert rows == [(1, "heading", "Roadmap"), (1, "body", "Pilot line opens in March."),
                    (1, "body", "Notes: Say the date twice."), (2, "heading", "Budget"),
                    (2, "body", "Capex is 40 million euros."),
                    (2, "body", "Item: Tools; Cost: 12 M€")]
    assert read.paragraphs[1].section == "Roadmap"


def test_epub_chapters_are_read_in_spine_order(tmp_path: Path) -> None:
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("qa-test")
    book.set_title("Field Guide")
    book.set_language("en")
    chapters = []
    for n, (title, text) in enumerate((("Herons", "Grey herons nest in colonies."),
                                       ("Egrets", "Little egrets arrived in 1989.")), start=1):
        chapter = epub.EpubHtml(title=title, file_name=f"c{n}.xhtml", lang="en")
        chapter.content = f"<h1>{title}</h1><p>{text}</p>"
        book.add_item(chapter)
        chapters.append(chapter)
    book.toc = chapters
    book.spine = chapters
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    epub.write_epub(str(tmp_path / "guide.epub"), book)
    read = load_document(tmp_path / "guide.epub")
    assert read.title == "Field Guide"
    assert [p.text for p in read.paragraphs] == ["Herons", "Grey herons nest in colonies.",
                                                 "Egrets", "Little egrets arrived in 1989."]


def draw_page(lines: list[str]):  # noqa: ANN201 - a PIL image
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (1700, 400 + 58 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=44)
    for i, line in enumerate(lines):
        draw.text((120, 150 + 58 * i), line, fill="black", font=font)
    return image


needs_tesseract = pytest.mark.skipif(not ocr.available(),
                                     reason="Tesseract is installed by make (tesseract-ocr)")


@needs_tesseract
def test_a_scanned_pdf_and_an_image_are_read_by_ocr_and_say_so(tmp_path: Path) -> None:
    first = draw_page(["The warehouse in Leith stores", "forty tonnes of barley."])
    second = draw_page(["Deliveries arrive every Thursday", "before noon."])
    first.save(tmp_path / "scan.pdf", save_all=True, append_images=[second],
               resolution=150)
    read = load_document(tmp_path / "scan.pdf")
    text = " ".join(p.text for p in read.paragraphs)
    assert "forty tonnes of barley" in text and "every Thursday" in text
    assert all(p.ocr for p in read.paragraphs)
    assert {p.page for p in read.paragraphs} == {1, 2}
    first.save(tmp_path / "note.png")
    image = load_document(tmp_path / "note.png")
    assert [p.text for p in image.paragraphs] == ["The warehouse in Leith stores forty tonnes "
                                                  "of barley."] and image.paragraphs[0].ocr
    from PIL import Image

    Image.new("RGB", (800, 600), "white").save(tmp_path / "blank.png")
    with pytest.raises(DocumentError, match="no text found, even by OCR"):
        load_document(tmp_path / "blank.png")


@needs_tesseract
def test_a_poorly_read_page_gives_a_warning_naming_it(tmp_path: Path) -> None:
    from PIL import ImageFilter

    blurred = draw_page(["Smudged ledger entries", "of the harbour master"]).resize(
        (240, 90)).filter(ImageFilter.GaussianBlur(1.2))
    blurred.save(tmp_path / "smudge.png")
    try:
        read = load_document(tmp_path / "smudge.png")
    except DocumentError:
        return  # nothing legible at all: refused, which is also right
    assert read.warnings and "low confidence" in read.warnings[0]


def test_citations_carry_table_row_and_ocr_in_the_json() -> None:
    from qa.types import Citation

    row = Citation(1, "t", 3, "t#p3", "a: b", "a: b", 0, 4, page=2, table=1, row=2, ocr=True)
    data = row.to_dict()
    assert (data["page"], data["table"], data["row"], data["ocr"]) == (2, 1, 2, True)
    assert row.place() == "page 2, table 1, row 2, read by OCR"
    plain = Citation(1, "t", 3, "t#p3", "a", "a", 0, 1).to_dict()
    assert not {"page", "table", "row", "ocr"} & set(plain)
    json.dumps(data)


@pytest.mark.slow
def test_a_question_about_a_cell_is_answered_by_quoting_its_row(tmp_path: Path) -> None:
    from qa.config import Settings
    from qa.pipeline import Pipeline

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "datatypes.html").write_text(PAGE, encoding="utf-8")
    (corpus / "bays.csv").write_text("Bay,Product,Shift lead\nBay 4,wafers,Ines Duarte\n"
                                     "Bay 7,packaging,Omar Haddad\n", encoding="utf-8")
    pipeline = Pipeline.load(Settings(corpus_dir=corpus, index_dir=tmp_path / "index"))
    answer = pipeline.ask("Which affinity does the BLOB type name get?")
    assert not answer.abstained, answer.answer
    cited = answer.citations[0]
    assert (cited.doc, cited.table, cited.row) == ("datatypes", 1, 3)
    assert cited.quote in cited.text and "Affinity: BLOB" in cited.text
    assert cited.to_dict()["table"] == 1 and "table 1, row 3" in cited.place()
    lead = pipeline.ask("Who is the shift lead of Bay 7?")
    assert not lead.abstained and "Omar Haddad" in lead.answer
    assert (lead.citations[0].doc, lead.citations[0].row) == ("bays", 2)


def test_the_page_view_boxes_the_quote_and_follows_it_onto_the_next_page(
        tmp_path: Path) -> None:
    import io

    from PIL import Image

    from qa.documents.page_view import page_png
    from tests.pdfs import make_pdf

    pdf = make_pdf(tmp_path / "log.pdf", [["The fab in Dholera will employ",
                                           "3,000 people by 2027. It opens"],
                                          ["in May, after the monsoon."]])
    one = Image.open(io.BytesIO(page_png(pdf, 1, "employ 3,000 people by 2027.")))
    # the yellow box:
    marked = [px for px in one.get_flattened_data() if px[0] > 200 and px[2] < 150]
    assert len(marked) > 500
    both = Image.open(io.BytesIO(page_png(pdf, 1, "It opens in May, after the monsoon.")))
    assert both.height > 2 * one.height - 10  # the next page drawn below
    plain = Image.open(io.BytesIO(page_png(pdf, 1, "words that are on no page at all")))
    assert not [px for px in plain.get_flattened_data() if px[0] > 200 and px[2] < 150]
    from qa.documents.page_view import PageNotFound

    with pytest.raises(PageNotFound):
        page_png(pdf, 9, "anything")


def test_the_page_view_shows_only_a_readable_document(tmp_path: Path) -> None:
    from qa.access import Caller
    from qa.access.libraries import Libraries
    from qa.documents.corpus import load_document
    from qa.ui.views import View, page_figure
    from tests.pdfs import make_pdf

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_pdf(corpus / "log.pdf", [["The fab in Dholera will employ 3,000 people."]])
    Libraries(corpus).assign("log", "lab")
    documents = [load_document(corpus / "log.pdf")]
    request = "log:1:0:20:123"
    mine = View.of(Caller("bo", "reader", frozenset({"lab"})), documents, Libraries(corpus))
    assert "data:image/png;base64," in page_figure(mine, request, corpus)
    theirs = View.of(Caller("ana", "reader", frozenset({"main"})), documents, Libraries(corpus))
    refused = page_figure(theirs, request, corpus)
    assert "No such page" in refused and "base64" not in refused
    assert "not one this page made" in page_figure(mine, "../../etc/passwd", corpus)
    assert "No such page" in page_figure(mine, "log:1:0:9999:1", corpus)


def test_an_add_reads_a_file_once_whatever_it_is_called(
        article_settings, fake_embedder, tmp_path: Path,  # noqa: ANN001
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A scan is OCR'd once per add, not by each of the checks, the copy and the build."""
    from qa.documents import formats, library

    reads: list[str] = []
    real = formats._read
    monkeypatch.setattr(formats, "_read", lambda path: reads.append(path.name) or real(path))
    formats.forget_read_files()
    (tmp_path / "Affinity Table.csv").write_text("\n".join(",".join(r) for r in AFFINITIES),
                                                 encoding="utf-8")
    library.add(article_settings, fake_embedder, [tmp_path / "Affinity Table.csv"])
    assert reads == ["Affinity Table.csv"]  # the corpus copy, affinity-table.csv, came from cache
