"""What the engine counts in each document, kept beside the document's index segment.

    statistics = corpus_counts(index)       # merged over the documents, each counted once
    one = document_counts(index, doc)       # one document's, read when asked

The answer engine's knowledge of the corpus (`qa.answer.facts`) — how many sentences hold each
word stem (for idf and typo repair), the word families, the names the documents capitalise,
the acronyms they define — is a sum over documents. Counting it for a 100,000-paragraph file
takes seconds, and was done again at every load, so one small add to a large library cost
every replica that much. Now each document is counted once: the counts are saved as
`<key>.facts.json` beside its segment (`qa.store.segments`; the key names the file's content),
and a load merges the saved ones, one at a time. Without segments (the Milvus store) it counts
at load. A document's own counts (a scope's words) are read again when asked, not kept.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from qa.answer.evidence import find_aliases, find_initialisms, find_long_forms
from qa.answer.spans import proper_words
from qa.store.index import LoadedIndex
from qa.text import family_roots, tokenize
from qa.types import Paragraph

log = logging.getLogger(__name__)

STATISTICS_VERSION = 1
MERGED_FILE = "facts.json"  # the corpus's counts, beside a generation's manifest


@dataclass
class Statistics:
    """The counts of one document, or (merged) of a corpus."""

    sentences: int
    doc_freq: dict[str, int]       # stem → sentences holding it
    roots: list[str]               # the word-family roots of those stems
    proper_words: list[str]
    aliases: dict[str, list[str]]  # acronym stem → stems of the words it abbreviates
    long_forms: dict[str, str]     # acronym → the words it abbreviates, first definition
    initialisms: list[str]

    def stems(self) -> frozenset[str]:
        return frozenset(self.doc_freq)


def count(paragraphs: Iterable[Paragraph]) -> Statistics:
    """Count one document's paragraphs."""
    paragraphs = list(paragraphs)
    texts = [s.text for p in paragraphs for s in p.sentences]
    doc_freq: Counter[str] = Counter()
    for text in texts:
        doc_freq.update({t.stem for t in tokenize(text)})
    whole = [p.text for p in paragraphs]
    return Statistics(
        len(texts), dict(doc_freq), sorted({r for s in doc_freq for r in family_roots(s)}),
        sorted(proper_words(texts)),
        {k: sorted(v) for k, v in find_aliases(whole).items()}, find_long_forms(whole),
        sorted(find_initialisms(whole)))


def merge(parts: Iterable[Statistics]) -> Statistics:
    """The corpus's counts from its documents' (in corpus order: the first acronym
    definition wins), in one pass: the parts need not all be held at once."""
    doc_freq: Counter[str] = Counter()
    aliases: dict[str, set[str]] = {}
    long_forms: dict[str, str] = {}
    roots: set[str] = set()
    proper: set[str] = set()
    initialisms: set[str] = set()
    sentences = 0
    for part in parts:
        sentences += part.sentences
        doc_freq.update(part.doc_freq)
        roots.update(part.roots)
        proper.update(part.proper_words)
        initialisms.update(part.initialisms)
        for short, words in part.aliases.items():
            aliases.setdefault(short, set()).update(words)
        for short, words in part.long_forms.items():
            long_forms.setdefault(short, words)
    return Statistics(sentences, dict(doc_freq), sorted(roots), sorted(proper),
                      {k: sorted(v) for k, v in aliases.items()}, long_forms,
                      sorted(initialisms))


def corpus_counts(index: LoadedIndex) -> Statistics:
    """The corpus's counts, merged from each document's (one document held at a time). The
    index folder keeps the merge beside its generation: the first load of a generation
    merges, the replicas that load it next read one file."""
    path = index.generation_dir / MERGED_FILE if index.generation_dir is not None else None
    found = _read(path) if path is not None else None
    if found is None:
        found = _delta_counts(index) if index.base is not None else \
            merge(document_counts(index, d.doc) for d in index.documents)
        if path is not None:
            _write(path, found)
    return found


def _delta_counts(index: LoadedIndex) -> Statistics:
    """A delta generation's counts: its base's (kept beside the base), less the documents it
    no longer serves, plus its own: an add costs its own size. The removed documents' names,
    word roots and acronyms stay in the sets until the next whole build (harmless: they only
    widen what typo repair and alias lookup may match)."""
    base = index.base
    assert base is not None
    removed = set(index.manifest.get("removed", []))
    entries = base.manifest.get("documents", [])
    gone = [document_counts(base, d.doc) for d, e in zip(base.documents, entries, strict=False)
            if e.get("content") in removed]
    kept = len(base.documents) - len(gone)
    merged = merge([corpus_counts(base),
                    *(document_counts(index, d.doc) for d in index.documents[kept:])])
    for part in gone:
        merged.sentences -= part.sentences
        for stem, n in part.doc_freq.items():
            left = merged.doc_freq.get(stem, 0) - n
            if left > 0:
                merged.doc_freq[stem] = left
            else:
                merged.doc_freq.pop(stem, None)
    return merged


def document_counts(index: LoadedIndex, doc: str) -> Statistics:
    """One document's counts: from the file beside its segment where the index has one
    (counted and saved there the first time), else counted from its paragraphs."""
    path = _path(index, doc)
    found = _read(path) if path is not None else None
    if found is None:
        found = count(index.paragraphs[row] for row in index.rows_of(doc))
        if path is not None:
            _write(path, found)
    return found


def _path(index: LoadedIndex, doc: str) -> Path | None:
    """Where the index folder keeps a document's counts (None: the store keeps none)."""
    keys = index.manifest.get("segments") or []
    if index.segments_dir is None or len(keys) != len(index.documents):
        return None
    number = index.document_number(doc)
    return None if number is None else index.segments_dir / f"{keys[number]}.facts.json"


def save_counts(folder: Path, key: str, paragraphs: Iterable[Paragraph]) -> None:
    """Count a document ahead of the load that needs it (`LivePipeline.add`, outside every
    lock), beside its segment `key` in `folder`."""
    _write(folder / f"{key}.facts.json", count(paragraphs))


def _read(path: Path) -> Statistics | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.pop("version", None) != STATISTICS_VERSION:
            return None
        return Statistics(**data)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError) as error:  # a cache: count again
        log.warning("Ignoring the damaged statistics %s: %s", path.name, error)
        return None


def _write(path: Path, statistics: Statistics) -> None:
    try:
        tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
        tmp.write_text(json.dumps(dict(asdict(statistics), version=STATISTICS_VERSION),
                                  ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except OSError as error:  # a read-only index folder: count again next time
        log.info("Could not save the statistics %s: %s", path.name, error)


__all__ = ["Statistics", "corpus_counts", "count", "document_counts", "merge", "save_counts"]
