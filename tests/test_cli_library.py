"""A new user brings a document of their own: `qa add`, `qa ask`, `qa list`, `qa remove`, as
subprocesses with the real model (slow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.config import Settings
from tests.conftest import copy_of_article
from tests.test_cli import qa

pytestmark = pytest.mark.slow

NOTES = """# Allotment diary

We sowed the broad beans in the north bed on 14 October, two weeks later than last year.

## Watering

The drip line runs for twenty minutes every morning at six, except after rain.
"""


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = copy_of_article(tmp_path_factory.mktemp("byod"))
    assert qa("build", settings=settings).returncode == 0
    return settings


def test_a_users_markdown_file_is_added_cited_and_re_added_for_free(settings: Settings,
                                                                    tmp_path: Path) -> None:
    mine = tmp_path / "My Allotment.md"
    mine.write_text(NOTES, encoding="utf-8")
    added = qa("add", str(mine), settings=settings)
    assert added.returncode == 0, added.stderr
    assert "added" in added.stdout and "my-allotment.md" in added.stdout
    assert "Embedded 4 new paragraph(s) of 34 (30 reused)" in added.stdout

    asked = qa("ask", "When did we sow the broad beans?", "--json", settings=settings)
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert not answer["abstained"] and "14 October" in answer["answer"]
    cited = answer["citations"][0]
    assert (cited["doc"], cited["anchor"]) == ("my-allotment", "my-allotment#p2")
    assert set(cited) == {"n", "doc", "paragraph", "anchor", "text", "quote", "start", "end"}

    text = qa("ask", "When did we sow the broad beans?", settings=settings).stdout
    assert "[1] my-allotment#p2 (paragraph 2 of “Allotment diary”, my-allotment.md)" in text

    article = qa("ask", "What did Modi's two-day visit to Japan result in?", settings=settings)
    assert "[1] india-japan-semiconductors#p10" in article.stdout
    only = qa("ask", "When did we sow the broad beans?", "--doc", "india-japan-semiconductors",
              "--json", settings=settings)
    assert all(c["doc"] == "india-japan-semiconductors"
               for c in json.loads(only.stdout)["citations"])

    again = qa("add", str(mine), settings=settings)
    assert again.returncode == 0, again.stderr
    assert "unchanged" in again.stdout and "Nothing new to embed" in again.stdout

    listed = qa("list", settings=settings)
    assert "my-allotment" in listed.stdout and "Allotment diary" in listed.stdout

    removed = qa("remove", "my-allotment", settings=settings)
    assert removed.returncode == 0 and "removed my-allotment.md" in removed.stdout
    assert "my-allotment" not in qa("list", settings=settings).stdout


@pytest.mark.parametrize(("name", "content", "message"), [
    ("slides.pptx", b"PK\x03\x04", "slides.pptx: not a readable PPTX presentation"),
    ("slides.key", b"PK\x03\x04", "slides.key: unsupported file type"),
    ("empty.md", b"", "empty.md: empty document"),
    ("latin.txt", "na\xefve".encode("latin-1"), "latin.txt: not UTF-8"),
])
def test_a_bad_file_is_one_line_and_changes_nothing(settings: Settings, tmp_path: Path,
                                                    name: str, content: bytes,
                                                    message: str) -> None:
    before = sorted(p.name for p in settings.corpus_dir.iterdir())
    bad = tmp_path / name
    bad.write_bytes(content)
    result = qa("add", str(bad), settings=settings)
    assert result.returncode == 1 and message in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in settings.corpus_dir.iterdir()) == before


def test_remove_of_an_unknown_name_is_one_line(settings: Settings) -> None:
    result = qa("remove", "../corpus", settings=settings)
    assert result.returncode == 1 and "not a document name" in result.stderr


def test_a_document_goes_into_a_named_library_and_a_user_is_granted_it(
        settings: Settings, tmp_path: Path) -> None:
    notes = tmp_path / "lab-notes.md"
    notes.write_text("# Lab notes\n\nThe centrifuge was serviced on 2 May.\n", encoding="utf-8")
    assert qa("add", str(notes), "--library", "lab", settings=settings).returncode == 0
    listed = qa("list", settings=settings).stdout
    assert any(line.split()[:2] == ["lab-notes", "lab"] for line in listed.splitlines())
    bad = qa("add", str(notes), "--library", "Lab Team", settings=settings)
    assert bad.returncode != 0 and "Library names" in bad.stderr
    added = qa("user", "add", "lee", "--library", "lab", "--password-stdin",
               settings=settings, stdin="lee's long password\n")
    assert added.returncode == 0, added.stderr
    granted = qa("user", "libraries", "lee", "lab", "main", settings=settings)
    assert granted.returncode == 0 and "lab, main" in granted.stdout
    assert "lee\treader\tlab,main" in qa("user", "list", settings=settings).stdout
    (settings.index_dir / "accounts.json").unlink()  # the module's other tests need no login
    assert qa("remove", "lab-notes", settings=settings).returncode == 0
