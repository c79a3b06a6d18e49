"""Your own documents with the fake embedder: add, remove, list, safe names, formats, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from qa.config import Settings
from qa.documents import library
from qa.documents.corpus import load_document
from qa.errors import DocumentError, InputError
from qa.pipeline import Pipeline
from qa.store import generations
from qa.store.index_build import build_index
from qa.store.index_load import load_index
from tests.conftest import FakeEmbedder
from tests.pdfs import make_pdf

NOTES = """# Garden notes

The tomato seedlings were planted on 12 March in the east bed.

## Watering

The drip line runs for twenty minutes every morning at six.
"""

PAGE = """<!doctype html><html><head><title>Fab News | Site</title>
<style>p { color: red }</style><script>var secret = "script text";</script></head>
<body><header><a href="/">Home page link</a></header>
<nav><ul><li>Navigation item</li></ul></nav>
<main><article><header><h1>The Dholera fab</h1></header>
<p>The fab in <b>Dholera</b> will employ
   3,000 people.</p>
<h2>Partners</h2>
<ul><li>Tata Electronics</li><li>PSMC of <i>Taiwan</i></li></ul>
<!-- a comment that is not text -->
<figure><img src="x.png"><figcaption>The site in 2025</figcaption></figure>
</article></main>
<footer>Copyright footer text</footer></body></html>
"""


@pytest.fixture
def indexed(article_settings: Settings, fake_embedder: FakeEmbedder) -> Settings:
    build_index(article_settings.corpus_dir, article_settings.index_dir, fake_embedder)
    return article_settings


def write(folder: Path, name: str, content: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def snapshot(settings: Settings) -> tuple[dict[str, bytes], str]:
    """Every corpus file's bytes and the live generation: what must not change on a refusal."""
    files = {p.name: p.read_bytes() for p in settings.corpus_dir.iterdir()}
    return files, (settings.index_dir / generations.CURRENT).read_text()


def test_add_copies_under_a_safe_name_and_embeds_only_the_new_paragraphs(
        indexed: Settings, fake_embedder: FakeEmbedder, tmp_path: Path) -> None:
    source = write(tmp_path / "mine", "My Notes.md", NOTES)
    report = library.add(indexed, fake_embedder, [source])
    assert [(f.name, f.doc, f.paragraphs, f.status) for f in report.files] == [
        ("my-notes.md", "my-notes", 4, "added")]
    assert (indexed.corpus_dir / "my-notes.md").read_text(encoding="utf-8") == NOTES
    assert report.build is not None and report.build.paragraphs == 34
    assert report.embedded == 4, "only the new document's paragraphs are embedded"
    assert "Embedded 4 new paragraph(s) of 34 (30 reused)" in report.summary()

    pipeline = Pipeline.load(indexed, embedder=fake_embedder)
    answer = pipeline.ask("When were the tomato seedlings planted?", doc="my-notes")
    assert answer.citations and {c.doc for c in answer.citations} == {"my-notes"}


def test_re_adding_an_unchanged_file_embeds_nothing(indexed: Settings,
                                                    fake_embedder: FakeEmbedder,
                                                    tmp_path: Path) -> None:
    source = write(tmp_path, "notes.md", NOTES)
    library.add(indexed, fake_embedder, [source])
    before, calls = snapshot(indexed), fake_embedder.texts_encoded
    again = library.add(indexed, fake_embedder, [source])
    assert again.files[0].status == "unchanged" and again.build is None
    assert again.embedded == 0 and fake_embedder.texts_encoded == calls
    assert "Nothing new to embed" in again.summary()
    assert snapshot(indexed) == before


@pytest.mark.parametrize(("name", "expected"), [
    ("My Report (final).PDF", "my-report-final.pdf"),
    ("Café Ünïcode.txt", "cafe-unicode.txt"),
    ("..md", "document.md"),
    ("   .html", "document.html"),
    ("a" * 200 + ".md", "a" * 80 + ".md"),
])
def test_safe_names(name: str, expected: str) -> None:
    assert library.safe_name(Path("/somewhere/../deep") / name) == expected


def test_a_dotted_source_path_cannot_escape_the_corpus(indexed: Settings,
                                                       fake_embedder: FakeEmbedder,
                                                       tmp_path: Path) -> None:
    write(tmp_path / "a" / "b", "..notes.md", NOTES)
    source = tmp_path / "a" / "b" / ".." / "b" / "..notes.md"
    library.add(indexed, fake_embedder, [source])
    inside = sorted(p.relative_to(indexed.corpus_dir).as_posix()
                    for p in indexed.corpus_dir.rglob("*"))
    assert inside == ["india-japan-semiconductors.txt", "notes.md"]
    assert not (tmp_path / "a" / "notes.md").exists()


@pytest.mark.parametrize("name", ["../corpus/india-japan-semiconductors.txt", "/etc/passwd",
                                  "..", ".", "", "sub\\file.txt", ".lock"])
def test_remove_refuses_path_like_names(indexed: Settings, fake_embedder: FakeEmbedder,
                                        name: str) -> None:
    before = snapshot(indexed)
    with pytest.raises(InputError):
        library.remove(indexed, fake_embedder, name)
    assert snapshot(indexed) == before


def test_a_different_document_of_the_same_name_needs_replace(indexed: Settings,
                                                             fake_embedder: FakeEmbedder,
                                                             tmp_path: Path) -> None:
    library.add(indexed, fake_embedder, [write(tmp_path / "v1", "notes.md", NOTES)])
    changed = NOTES.replace("at six", "at seven")
    before = snapshot(indexed)
    for other in (write(tmp_path / "v2", "notes.md", changed),
                  write(tmp_path / "v2", "Notes.txt", changed)):
        with pytest.raises(DocumentError, match=f"{other.name}: .*already holds.*--replace"):
            library.add(indexed, fake_embedder, [other])
        assert snapshot(indexed) == before

    report = library.add(indexed, fake_embedder, [tmp_path / "v2" / "notes.md"], replace=True)
    assert report.files[0].status == "replaced"
    assert (indexed.corpus_dir / "notes.md").read_text(encoding="utf-8") == changed
    assert report.embedded == 1, "only the changed paragraph is embedded again"


def test_replace_across_suffixes_leaves_one_file(indexed: Settings, fake_embedder: FakeEmbedder,
                                                 tmp_path: Path) -> None:
    library.add(indexed, fake_embedder, [write(tmp_path, "notes.md", NOTES)])
    library.add(indexed, fake_embedder, [write(tmp_path, "notes.txt", "Plain notes.\n")],
                replace=True)
    names = sorted(p.name for p in indexed.corpus_dir.iterdir())
    assert names == ["india-japan-semiconductors.txt", "notes.txt"]


def test_remove_and_list(indexed: Settings, fake_embedder: FakeEmbedder, tmp_path: Path) -> None:
    library.add(indexed, fake_embedder, [write(tmp_path, "notes.md", NOTES)])
    listed = library.listing(indexed)
    assert [(e.doc, e.paragraphs, e.path) for e in listed.entries] == [
        ("india-japan-semiconductors", 30, "india-japan-semiconductors.txt"),
        ("notes", 4, "notes.md")]
    assert all(e.indexed_at for e in listed.entries)
    assert "Garden notes" in listed.format() and "not indexed" not in listed.format()

    calls = fake_embedder.texts_encoded
    report = library.remove(indexed, fake_embedder, "notes")
    assert report.name == "notes.md" and report.build.paragraphs == 30
    assert fake_embedder.texts_encoded == calls, "removing embeds nothing"
    assert [e.doc for e in library.listing(indexed).entries] == ["india-japan-semiconductors"]
    with pytest.raises(InputError, match="No document 'notes'"):
        library.remove(indexed, fake_embedder, "notes")
    with pytest.raises(InputError, match="only document"):
        library.remove(indexed, fake_embedder, "india-japan-semiconductors.txt")


def test_list_shows_files_not_indexed_yet(indexed: Settings) -> None:
    write(indexed.corpus_dir, "dropped.md", NOTES)
    listed = library.listing(indexed)
    assert listed.not_indexed == ["dropped.md"]
    assert "not indexed yet: dropped.md (run qa build)" in listed.format()
    spec = "milvus:///tmp/team.db"  # the next command names the store the listing came from
    assert f"(run qa build --store {spec})" in listed.format(spec)


def test_list_without_an_index(tmp_path: Path) -> None:
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    assert "No documents indexed yet" in library.listing(settings).format()
    assert library.listing(settings).format("milvus://db:19530").endswith(
        "qa add FILE --store milvus://db:19530")


def test_html_keeps_the_text_and_drops_the_page_furniture(tmp_path: Path) -> None:
    document = load_document(write(tmp_path, "fab.html", PAGE))
    assert document.title == "The Dholera fab" and document.path == "fab.html"
    rows = [(p.role, p.text) for p in document.paragraphs]
    assert rows == [("heading", "The Dholera fab"),
                    ("body", "The fab in Dholera will employ 3,000 people."),
                    ("heading", "Partners"),
                    ("list_item", "Tata Electronics"),
                    ("list_item", "PSMC of Taiwan"),
                    ("caption", "The site in 2025")]
    assert document.paragraphs[3].section == "Partners"
    text = " ".join(p.text for p in document.paragraphs)
    for furniture in ("script text", "color", "Home page", "Navigation", "footer", "comment"):
        assert furniture not in text


def test_html_in_a_declared_charset(tmp_path: Path) -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><p>Caf\xe9 prices rose.</p>'
    document = load_document(write(tmp_path, "cafe.htm", page.encode("cp1252")))
    assert document.paragraphs[0].text == "Café prices rose."


def test_pdf_paragraphs_keep_their_page_and_citations_name_it(
        article_settings: Settings, fake_embedder: FakeEmbedder, tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "Fab Report.pdf", [
        ["Annual Report",
         "The Dholera fab will employ three thousand people when it opens in",
         "the year 2027, according to the plan filed with the state govern-",
         "ment of Gujarat.", "3"],
        ["Funding",
         "The project costs 91,000 crore rupees, with half of the money paid by",
         "the central government under the national semiconductor mission.", "4"],
    ], title="Fab Report 2025")
    document = load_document(pdf)
    assert document.title == "Fab Report 2025"
    assert [(p.page, p.role, p.text[:24]) for p in document.paragraphs] == [
        (1, "heading", "Annual Report"), (1, "body", "The Dholera fab will emp"),
        (2, "heading", "Funding"), (2, "body", "The project costs 91,000")]
    assert document.paragraphs[1].text.endswith("state government of Gujarat.")

    library.add(article_settings, fake_embedder, [pdf])
    index = load_index(article_settings.corpus_dir, article_settings.index_dir, fake_embedder)
    assert [p.page for p in index.paragraphs if p.doc == "fab-report"] == [1, 1, 2, 2]
    pipeline = Pipeline(article_settings, fake_embedder, index)
    answer = pipeline.ask("How much does the project cost?", doc="fab-report")
    cited = answer.citations[0]
    assert cited.page == 2 and cited.to_dict()["page"] == 2
    article = pipeline.ask("How much does Japan plan to invest in India?")
    assert "page" not in article.citations[0].to_dict()


def _locked_pdf(tmp_path: Path) -> bytes:
    plain = make_pdf(tmp_path / "plain.pdf", [["Secret text about the fab."]])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt("secret", algorithm="RC4-128")
    out = tmp_path / "locked-source.pdf"
    writer.write(out)
    return out.read_bytes()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("report.docx", b"PK\x03\x04 zip", "not a readable DOCX"),
    ("report.xyz", b"PK\x03\x04 zip", "unsupported file type"),
    ("empty.md", b"", "empty document"),
    ("blank.txt", b" \n\n \n", "empty document"),
    ("latin1.txt", "Caf\xe9 cr\xe8me".encode("latin-1"), "not UTF-8"),
    ("binary.html", b"<p>\x00\x01\x02</p>", "NUL bytes"),
    ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "not a readable PDF"),
    ("locked.pdf", _locked_pdf, "password-protected"),
    ("scan.pdf", lambda tmp: make_pdf(tmp / "x.pdf", [[]]).read_bytes(), "no text, even by OCR"),
])
def test_bad_files_are_refused_by_name_and_change_nothing(
        indexed: Settings, fake_embedder: FakeEmbedder, tmp_path: Path, name: str,
        content: object, message: str) -> None:
    data = content(tmp_path) if callable(content) else content
    source = write(tmp_path / "incoming", name, data)
    before = snapshot(indexed)
    with pytest.raises(DocumentError, match=message) as error:
        library.add(indexed, fake_embedder, [write(tmp_path, "ok.md", NOTES), source])
    assert name in str(error.value) and "\n" not in str(error.value)
    assert snapshot(indexed) == before, "a refused add leaves corpus and index alone"


def test_too_large_a_file_is_refused(indexed: Settings, fake_embedder: FakeEmbedder,
                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("qa.documents.corpus.MAX_DOCUMENT_BYTES", 100)
    with pytest.raises(DocumentError, match="big.md: too large"):
        library.add(indexed, fake_embedder, [write(tmp_path, "big.md", "word " * 100)])


def test_a_failed_build_puts_the_corpus_back(indexed: Settings, fake_embedder: FakeEmbedder,
                                             tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    library.add(indexed, fake_embedder, [write(tmp_path, "notes.md", NOTES)])
    before = snapshot(indexed)

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("qa.store.FilesStore.build", broken)
    with pytest.raises(OSError):
        library.add(indexed, fake_embedder, [write(tmp_path, "notes.md", "Changed.\n")],
                    replace=True)
    with pytest.raises(OSError):
        library.add(indexed, fake_embedder, [write(tmp_path, "more.md", NOTES)])
    with pytest.raises(OSError):
        library.remove(indexed, fake_embedder, "india-japan-semiconductors")
    assert snapshot(indexed) == before


def test_missing_source_and_duplicate_targets(indexed: Settings, fake_embedder: FakeEmbedder,
                                              tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        library.add(indexed, fake_embedder, [tmp_path / "nope.md"])
    with pytest.raises(InputError, match="also named notes.md"):
        library.add(indexed, fake_embedder, [write(tmp_path / "a", "notes.md", NOTES),
                                             write(tmp_path / "b", "Notes.md", NOTES)])


def test_live_pipeline_swaps_in_the_new_index_after_an_add(indexed: Settings,
                                                           fake_embedder: FakeEmbedder,
                                                           tmp_path: Path) -> None:
    from qa.documents.live import LivePipeline

    live = LivePipeline(Pipeline.load(indexed, embedder=fake_embedder))
    before = live.current
    report = live.add([write(tmp_path, "notes.md", NOTES)])
    assert report.files[0].status == "added" and live.current is not before
    assert [d.doc for d in live.documents] == ["india-japan-semiconductors", "notes"]
    answer = live.ask("When were the tomato seedlings planted?", doc="notes")
    assert answer.citations[0].doc == "notes"
    old = before.ask("How much does Japan plan to invest in India over the next decade?")
    assert old.citations, "the old pipeline still answers"

    swapped = live.current
    assert live.add([tmp_path / "notes.md"]).build is None and live.current is swapped
    with pytest.raises(DocumentError, match="empty.md"):
        live.add([write(tmp_path, "empty.md", "")])
    assert live.current is swapped, "a refused add keeps serving the same pipeline"


def test_live_pipeline_serves_the_index_without_a_removed_document(
        indexed: Settings, fake_embedder: FakeEmbedder, tmp_path: Path) -> None:
    from qa.documents.live import LivePipeline

    live = LivePipeline(Pipeline.load(indexed, embedder=fake_embedder))
    live.add([write(tmp_path, "notes.md", NOTES)])
    with_notes = live.current
    report = live.remove("notes")
    assert report.doc == "notes" and live.current is not with_notes
    assert [d.doc for d in live.documents] == ["india-japan-semiconductors"]
    with pytest.raises(InputError, match="only document"):
        live.remove("india-japan-semiconductors")
    assert [d.doc for d in live.documents] == ["india-japan-semiconductors"]


def test_sources_name_their_document_and_the_pane_shows_one_document() -> None:
    from qa.types import Citation, Document, Paragraph
    from qa.ui.render import render_article, render_sources

    text = "The project costs 91,000 crore rupees."
    cited = Citation(1, "fab", 4, "fab#p4", text, text, 0, len(text), page=2)
    fab = Document("fab", "Fab <Report>", "fab.pdf", (Paragraph("fab", 4, text, page=2),))
    other = Document("notes", "Notes", "notes.md", (Paragraph("notes", 1, "Hello."),))
    html = render_sources([cited], [other, fab])
    assert '<cite>Fab &lt;Report&gt;</cite> · fab.pdf, page 2' in html
    assert "page 2" in render_sources([cited])
    pane = render_article([other, fab], shown="fab")
    assert '<article class="qa-doc" data-doc="notes" hidden>' in pane
    assert '<article class="qa-doc" data-doc="fab">' in pane
    assert " hidden" not in render_article([other])


def test_the_incremental_benchmark_embeds_only_the_added_document() -> None:
    from benchmarks.incremental import run

    rows = {label.split(" (")[0]: (paragraphs, texts)
            for label, paragraphs, texts, _ in run(1000, 12, real=False)}
    assert rows["full build"][0] == 1000
    assert rows["add one document"] == (12, 36), "12 paragraphs + their 24 sentences"
    assert rows["add the same file again"] == (0, 0) and rows["remove it"] == (0, 0)
