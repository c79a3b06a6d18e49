"""Paraphrased training questions for the reader: words the question shares with its passage
swapped for WordNet synonyms, so that the reader learns that an answer need not repeat the
question's words (SQuAD's questions mostly do; the product's users mostly do not).

    apt-get install wordnet-base      # Debian's package of Princeton's WordNet 3.0 database

Used by `scripts/train_reader.py --paraphrases`. Only the first (most frequent) sense of each
part of speech gives synonyms, and names, numbers and the answer's own words are never touched.

Known noise, kept because the shipped weights were trained with exactly this code (a fix
changes their training data, so it belongs with a new training run): every irregular form in
verb.exc is read as a past tense ("beginning" → "started"); an irregular synonym takes the
first form verb.exc lists ("became" → "gone"); no consonant doubling ("stoping"); words under
four letters are not reduced ("died"); and a first sense can change the meaning ("found" read
as *find*). The copies stay labelled with the original answer, so such noise teaches the
reader to tolerate odd wording, which the product's users also produce.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

WORDNET = Path("/usr/share/wordnet")
PARTS = ("verb", "noun", "adj")
# WordNet's "morphy" detachment rules: (suffix, ending that replaces it), by part of speech.
DETACH = {
    "noun": [("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
             ("men", "man"), ("ies", "y"), ("s", "")],
    "verb": [("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"),
             ("ing", ""), ("s", "")],
    "adj": [],  # "bigger" would need its synonym's comparative, which WordNet does not give
}
STOP = frozenset("""
a an the of in on at to for by with from and or is was were are be been being what which who
whom whose when where why how did does do done that this these those as it its there their
they he she his her him them than then not no also many much more most some any other such
one first name type kind part use used called known has have had but about along
""".split())
WORD = re.compile(r"[A-Za-z]+")
SS_TYPES = {"1": "noun", "2": "verb", "3": "adj", "4": "adv", "5": "adj"}


class Synonyms:
    """First-sense WordNet synonyms of a word, one part of speech at a time."""

    def __init__(self, folder: Path = WORDNET) -> None:
        if not (folder / "index.noun").is_file():
            raise SystemExit(f"No WordNet database in {folder}: apt-get install wordnet-base")
        self.first: dict[str, dict[str, str]] = {p: {} for p in PARTS}  # lemma → first synset
        self.words: dict[tuple[str, str], list[str]] = {}  # (pos, synset) → its single words
        for pos in PARTS:
            for line in (folder / f"index.{pos}").read_text(encoding="latin-1").splitlines():
                if line.startswith(" "):
                    continue
                fields = line.split()
                self.first[pos][fields[0]] = fields[-int(fields[2])]
            for line in (folder / f"data.{pos}").read_text(encoding="latin-1").splitlines():
                if line.startswith(" "):
                    continue
                fields = line.split(" | ")[0].split()
                count = int(fields[3], 16)
                lemmas = [re.sub(r"\(.*\)", "", fields[4 + 2 * i]).lower() for i in range(count)]
                self.words[(pos, fields[0])] = [w for w in lemmas if w.isalpha()]
        self.irregular: dict[str, str] = {}  # "built" → "build"
        self.past: dict[str, str] = {}  # "make" → "made"
        for line in (folder / "verb.exc").read_text(encoding="latin-1").splitlines():
            form, base = line.split()[:2]
            self.irregular.setdefault(form, base)
            if not form.endswith(("s", "ing")):
                self.past.setdefault(base, form)
        self.frequency: dict[tuple[str, str], int] = {}  # (lemma, pos) → SemCor tag count
        for line in (folder / "cntlist.rev").read_text(encoding="latin-1").splitlines():
            key, _, count = line.split()
            lemma, rest = key.split("%")
            pos = SS_TYPES.get(rest[0])
            if pos:
                self.frequency[(lemma, pos)] = self.frequency.get((lemma, pos), 0) + int(count)

    def of(self, word: str) -> list[str]:
        """Synonyms of `word` (lower case) in its commonest part of speech, inflected as the
        word is ("founded" → "established")."""
        readings = []  # (tag count, lemma, suffix, pos)
        if self.irregular.get(word) in self.first["verb"]:
            base = self.irregular[word]
            readings.append((self.frequency.get((base, "verb"), 0), base, "ed", "verb"))
        for pos in PARTS:
            for lemma, suffix in _lemmas(word, pos):
                if lemma in self.first[pos]:
                    readings.append((self.frequency.get((lemma, pos), 0), lemma, suffix, pos))
                    break
        if not readings:
            return []
        _, lemma, suffix, pos = max(readings, key=lambda r: r[0])
        return [self.past[other] if suffix == "ed" and other in self.past
                else inflect(other, suffix)
                for other in self.words[(pos, self.first[pos][lemma])]
                if other[:4] != lemma[:4] and other not in STOP]


def inflect(base: str, suffix: str) -> str:
    """`base` with an English suffix ("s", "ed", "ing", "er", "est") put on it."""
    if not suffix:
        return base
    if suffix in ("s", "es"):
        if base.endswith(("s", "x", "z", "ch", "sh")):
            return base + "es"
        return base[:-1] + "ies" if re.search(r"[^aeiou]y$", base) else base + "s"
    if base.endswith("e") and suffix[0] in "ei":
        return base[:-1] + suffix if suffix != "ing" or not base.endswith("ee") else base + suffix
    if re.search(r"[^aeiou]y$", base) and suffix[0] == "e":
        return base[:-1] + "i" + suffix
    return base + suffix


def _lemmas(word: str, pos: str) -> list[tuple[str, str]]:
    """(base form, suffix to put back) candidates of `word` as a `pos`, the word itself first."""
    out = [(word, "")]
    for suffix, ending in DETACH[pos]:
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            back = "s" if suffix.endswith("s") or suffix == "men" else suffix
            out.append((word[:-len(suffix)] + ending, back))
    return out


def paraphrased(question: str, passage: str, answer: str, synonyms: Synonyms,
                rng: random.Random, share: float = 0.7) -> str | None:
    """The question with some of the words it shares with the passage (not names, numbers,
    or the answer's words) replaced by a synonym; None where no word could be replaced."""
    passage_words = {w.lower() for w in WORD.findall(passage)}
    answer_words = {w.lower() for w in WORD.findall(answer)}
    out, changed, last = [], 0, 0
    for match in WORD.finditer(question):
        word = match.group()
        lower = word.lower()
        if (lower in STOP or len(lower) < 3 or lower not in passage_words
                or lower in answer_words or word[0].isupper() and match.start() > 0):
            continue
        options = synonyms.of(lower)
        if not options or rng.random() >= share:
            continue
        out.append(question[last:match.start()])
        choice = rng.choice(options)
        out.append(choice.capitalize() if word[0].isupper() else choice)
        last = match.end()
        changed += 1
    if not changed:
        return None
    return "".join(out) + question[last:]
