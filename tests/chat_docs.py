"""Helpers for the chat-kind tests: the article and a second document, tests/data/heat-pumps.md."""

from __future__ import annotations

import shutil
from pathlib import Path

from qa.config import Settings
from qa.documents.corpus import load_corpus
from qa.types import Document
from tests.conftest import ARTICLE

DATA = Path(__file__).parent / "data"
HEAT_PUMPS = DATA / "heat-pumps.md"


def corpus_of(folder: Path, *files: Path, reader: bool = False) -> Settings:
    """Settings for a corpus folder holding copies of `files`, and an empty index folder."""
    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    for file in files:
        shutil.copy(file, corpus / file.name)
    return Settings(corpus_dir=corpus, index_dir=folder / "index", reader=reader)


def document(path: Path, folder: Path) -> Document:
    """One file parsed as the engine parses it."""
    documents, _ = load_corpus(corpus_of(folder, path).corpus_dir)
    return documents[0]


__all__ = ["ARTICLE", "HEAT_PUMPS", "corpus_of", "document"]
