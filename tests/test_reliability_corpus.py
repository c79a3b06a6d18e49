"""Bad files in corpus/: each is skipped with a message naming it, and the rest still indexes
and answers — through `build_index`, `Pipeline.load` and `qa build` (fake embedder, fast).
`tests/test_corpus.py` covers the parser's view of an empty file, binary bytes and a PNG."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa import cli
from qa.config import Settings
from qa.documents import corpus
from qa.errors import CorpusError
from qa.pipeline import Pipeline
from qa.store.index_build import build_index
from tests.conftest import ARTICLE, FakeEmbedder

# file name → (bytes, what the skip message says)
BAD_FILES = {
    "zero.txt": (b"", "empty"),
    "blank.md": (b"\n \n\t\n", "empty"),
    "latin1.md": ("Caf\u00e9 notes\n".encode("latin-1"), "not UTF-8"),
    "utf16.txt": ("Notes in UTF-16\n".encode("utf-16"), "not UTF-8"),
    "nul.txt": (b"text with a \x00 NUL byte\n", "NUL"),
    "huge.txt": (b"A line about chips.\n" * 1000, "too large"),
    "broken.pdf": (b"%PDF-1.4 not really a PDF \x00\xff", "PDF"),
    "slides.pptx": (b"PK\x03\x04", "not a readable PPTX"),
    "slides.key": (b"PK\x03\x04", "unsupported"),
    "README": (b"no suffix at all\n", "unsupported"),
}
HUGE_LIMIT = 19_000  # bytes, above the article; MAX_DOCUMENT_BYTES (20 MB) lowered for speed


@pytest.fixture
def messy(article_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setattr(corpus, "MAX_DOCUMENT_BYTES", HUGE_LIMIT)
    for name, (data, _) in BAD_FILES.items():
        (article_settings.corpus_dir / name).write_bytes(data)
    (article_settings.corpus_dir / ".DS_Store").write_bytes(b"\x00\x01")  # hidden: ignored
    (article_settings.corpus_dir / "drafts").mkdir()  # a folder: ignored
    return article_settings


def test_build_skips_each_bad_file_by_name_and_indexes_the_rest(
        messy: Settings, fake_embedder: FakeEmbedder) -> None:
    report = build_index(messy.corpus_dir, messy.index_dir, fake_embedder)
    assert report.documents == 1 and report.paragraphs == 30
    assert len(report.warnings) == len(BAD_FILES)
    for name, (_, reason) in BAD_FILES.items():
        [warning] = [w for w in report.warnings if w.startswith(f"{name}:")]
        assert reason in warning and "\n" not in warning
    assert not any(".DS_Store" in w or "drafts" in w for w in report.warnings)


def test_pipeline_answers_from_the_good_document(messy: Settings,
                                                 fake_embedder: FakeEmbedder) -> None:
    pipeline = Pipeline.load(messy, embedder=fake_embedder)
    assert [d.doc for d in pipeline.documents] == ["india-japan-semiconductors"]
    answer = pipeline.ask("How much does Japan plan to invest in India over the next decade?")
    assert not answer.abstained and "10 trillion" in answer.answer


def test_qa_build_prints_one_line_per_skipped_file(messy: Settings, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setattr("qa.embedding.MiniLMEmbedder", FakeEmbedder)
    code = cli.main(["build", "--corpus", str(messy.corpus_dir),
                     "--index", str(messy.index_dir)])
    out, err = capsys.readouterr()
    assert code == 0
    assert "Indexed 1 document(s): 30 paragraphs" in out
    skipped = [line for line in err.splitlines() if line.startswith("skipped: ")]
    assert sorted(line.split(":")[1].strip() for line in skipped) == sorted(BAD_FILES)
    assert "Traceback" not in err


def test_a_file_that_cannot_be_read_is_skipped(article_settings: Settings,
                                               fake_embedder: FakeEmbedder,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    locked = article_settings.corpus_dir / "locked.txt"
    locked.write_text("Owned by someone else.\n", encoding="utf-8")
    read_bytes = Path.read_bytes

    def refuse(path: Path) -> bytes:  # chmod 000 does not stop root, so refuse here
        if path.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    report = build_index(article_settings.corpus_dir, article_settings.index_dir, fake_embedder)
    assert report.documents == 1
    assert any(w.startswith("locked.txt:") and "Permission denied" in w
               for w in report.warnings)


def test_only_bad_files_is_one_message_naming_them(tmp_path: Path,
                                                   fake_embedder: FakeEmbedder) -> None:
    (tmp_path / "corpus").mkdir()
    for name in ("zero.txt", "slides.pptx"):
        (tmp_path / "corpus" / name).write_bytes(BAD_FILES[name][0])
    with pytest.raises(CorpusError, match=r"zero\.txt.*slides\.pptx|slides\.pptx.*zero\.txt"):
        build_index(tmp_path / "corpus", tmp_path / "index", fake_embedder)
    assert not (tmp_path / "index" / "CURRENT").exists()


def test_a_bad_file_added_later_leaves_the_index_serving(article_settings: Settings,
                                                         fake_embedder: FakeEmbedder) -> None:
    before = Pipeline.load(article_settings, embedder=fake_embedder)
    shutil.copy(ARTICLE, article_settings.corpus_dir / "copy.pptx")
    after = Pipeline.load(article_settings, embedder=fake_embedder)  # stale: rebuilt, skipped
    assert [d.doc for d in after.documents] == [d.doc for d in before.documents]
    assert after.ask("Who wrote the article?").answer == before.ask("Who wrote the article?").answer
