"""Documents → paragraphs: anchors, roles, sections, sentences, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.documents.corpus import load_corpus, load_document, parse_document
from qa.documents.sentences import split_sentences
from qa.errors import CorpusError, DocumentError
from tests.conftest import ARTICLE


def test_article_paragraphs_have_stable_anchors_and_roles() -> None:
    first = load_document(ARTICLE)
    second = load_document(ARTICLE)
    assert [p.anchor for p in first.paragraphs] == [p.anchor for p in second.paragraphs]
    roles = {p.number: p.role for p in first.paragraphs}
    assert roles[1] == "caption"
    assert roles[5] == "heading" and first.paragraphs[4].text == "What Is the New Proposition?"
    assert first.paragraphs[5].section == "What Is the New Proposition?"
    assert first.paragraphs[-2].role == "byline" and "Varuna Shankar" in first.paragraphs[-2].text
    assert first.paragraphs[-1].role == "byline"
    assert any(p.role == "list_item" for p in first.paragraphs)
    assert first.paragraphs[6].anchor == "india-japan-semiconductors#p7"


def test_sentence_offsets_are_exact() -> None:
    for paragraph in load_document(ARTICLE).paragraphs:
        assert paragraph.sentences, paragraph.anchor
        for sentence in paragraph.sentences:
            assert paragraph.text[sentence.start:sentence.end] == sentence.text


@pytest.mark.parametrize(("text", "count"), [
    ("Tokyo Electron Miyagi Ltd. is a plant. It is big.", 2),
    ("It costs $7.17 billion. That is 97% of it.", 2),
    ("J. Smith wrote it. Dr. Rao agreed.", 2),
    ("In Wisconsin v. Yoder the Court agreed. It was 1972.", 2),
    ("One sentence without a full stop", 1),
])
def test_split_sentences(text: str, count: int) -> None:
    assert len(split_sentences(text)) == count


def test_markdown_headings_lists_and_wrapped_lines() -> None:
    raw = "# Report Title\n\nIntro text that is wrapped over two lines because it is long\n" \
          "and continues here.\n\n## Findings\n\n- first item\n- second item\n"
    doc = parse_document(raw, doc_id="report", markdown=True)
    assert doc.title == "Report Title"
    assert [p.role for p in doc.paragraphs] == ["heading", "body", "heading", "list_item",
                                                "list_item"]
    assert doc.paragraphs[1].text.endswith("and continues here.")
    assert doc.paragraphs[3].section == "Findings"


def test_bad_documents_are_named_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("A good paragraph about chips.\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("  \n\n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00bad")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    documents, warnings = load_corpus(tmp_path)
    assert [d.doc for d in documents] == ["good"]
    text = " ".join(warnings)
    assert "empty.txt" in text and "binary.txt" in text and "image.png" in text


def test_corpus_without_usable_documents(tmp_path: Path) -> None:
    with pytest.raises(CorpusError):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError):
        load_corpus(tmp_path / "missing")
    with pytest.raises(DocumentError, match="unsupported"):
        load_document(Path(__file__))
