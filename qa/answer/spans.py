"""Find typed answer spans in a sentence: amounts and numbers, dates, names.

Each finder returns (start, end) character offsets into the sentence, so a span is always a
verbatim substring. No model is involved: these are patterns for English prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
          r"December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|"
          r"Dec\.?)")
_NUMBER_WORD = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
                r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|dozen|"
                r"half|third|thirds|quarter|quarters|one-third|two-thirds|one-quarter|one-fourth|three-quarters|a third|"
                r"a quarter|a half|a dozen|a hundred|a thousand|a million|a billion|million|"
                r"billion|trillion|several|dozens|hundreds|thousands|millions|billions)")
_SCALE = (r"(?:\s?%|\s?(?:percent|per cent|thousand|million|billion|trillion|crore|lakh|bn)"
          r"\b)?")
_UNIT = (r"(?:[\s-]?(?:USD|JPY|INR|EUR|GBP|yen|dollars?|rupees?|euros?|pounds?|km|kilometers?|"
         r"kilometres?|miles?|meters?|metres?|feet|acres?|hectares?|tons?|tonnes?|kg|people|"
         r"workers|students|employees|years?|months?|days?|hours?|minutes?|degrees?)\b)?")
NUMBER = re.compile(
    r"(?:(?:US\s?|A|C|HK|NZ)?[$¥€£₹]\s?|(?:INR|USD|JPY|EUR|GBP|Rs\.?)\s?)?"
    r"(?<![\w.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:st|nd|rd|th)?" + _SCALE + _UNIT +
    r"|(?<!\w)" + _NUMBER_WORD + r"(?:[\s-]" + _NUMBER_WORD + r")*" + _SCALE + _UNIT + r"(?!\w)",
    re.IGNORECASE)
_ORDINAL_WORD = (r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|"
                 r"twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|"
                 r"nineteenth|twentieth|twenty-first")
DATE = re.compile(
    r"\b\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTH + r"(?:,?\s+\d{4})?(?!\w)|"
    r"\b(?:(?:from|between)\s+)?(?:" + _MONTH + r"\s+\d{1,2},?\s+)?(?:" + _MONTH + r"\s+)?"
    r"(?:1[0-9]{3}|20[0-9]{2})s?(?:\s*(?:-|–|to|and|until|through)\s*(?:1[0-9]{3}|20[0-9]{2}))?"
    r"\b|\b" + _MONTH + r"(?:\s+\d{1,2}(?:st|nd|rd|th)?)?\b|\b\d{1,2}(?:st|nd|rd|th)\s+centur(?:y|ies)"
    r"\b|\b(?:over|in|during|for) the (?:last|past|next) (?:\w+ )?(?:years?|decades?|months?)\b|"
    r"\b(?:the )?(?:early|mid|late)[- ]\d{4}s\b|\b(?:annually|yearly|recently|today|currently)\b|"
    r"\b(?:" + _ORDINAL_WORD + r")\s+centur(?:y|ies)\b",
    re.IGNORECASE)
# A year before 1000 needs a cue: "in 911", "since 850", "c. 850"; "AD 70" and "500 BC" any.
_EARLY_YEAR = re.compile(
    r"\b(?i:in|since|until|till|circa|c\.)\s+([1-9]\d{2})\b(?![.,]\d)"
    r"(?!\s*(?:%|(?i:percent|per|people|men|ships|soldiers|km|miles|years|months|weeks|days|"
    r"hours|minutes)\b))"
    r"|\b(?:AD|A\.D\.|CE)\s+(\d{1,3})\b(?![.,]\d)"
    r"|(?<![\d.,])\b(\d{1,3})\s+(?:(?:AD|BCE?|CE)\b|A\.D\.|B\.C\.)")
_NAME_WORD = r"(?:[A-Z][\w’'&.-]*[\w]|[A-Z])"
NAME = re.compile(
    _NAME_WORD + r"(?:(?:\s+(?:of|for|de|la|du|von|van|the|&)\s+|\s+)" + _NAME_WORD + r")*")
_WEAK_NAME_STARTS = {"the", "a", "an", "in", "on", "at", "this", "that", "these", "those",
                     "it", "its", "one", "another", "finally", "additionally", "recently",
                     "however", "also", "and", "but", "for", "by", "with", "as", "according",
                     "there", "then", "while", "between", "from", "over", "after", "before",
                     "both", "each", "such", "japanese"}


def proper_words(sentences: Iterable[str]) -> frozenset[str]:
    """Lower-cased words the corpus writes capitalised inside a sentence: its names ("Japan",
    "Meggers"), as opposed to ordinary words that open a sentence ("During", "Some")."""
    found = set()
    for sentence in sentences:
        for match in re.finditer(r"(?<=[\w,;)] )[A-Z][\w’'&.-]*", sentence):
            found.add(re.sub(r"['’]s$", "", match.group().rstrip(".'’")).lower())
    return frozenset(found)


def is_proper_name(span: str, proper: frozenset[str]) -> bool:
    """A name span that really names something: a word of two or more capitals ("PVR",
    "McDonald"), or one the corpus capitalises mid-sentence ("Betty Meggers" yes; "During",
    "Among", "C" in "°C" no)."""
    words = [w.rstrip(".'’") for w in span.split()]
    return len(span) > 1 and any(
        w.lower() in proper or (len(w) > 1 and sum(ch.isupper() for ch in w) >= 2)
        for w in words)


def number_spans(sentence: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in NUMBER.finditer(sentence) if m.group().strip()]


def date_spans(sentence: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in DATE.finditer(sentence)]
    for match in _EARLY_YEAR.finditer(sentence):
        group = next(i for i in (1, 2, 3) if match.group(i))
        spans.append((match.start(group), match.end(group)))
    return sorted(spans)


def name_spans(sentence: str) -> list[tuple[int, int]]:
    """Runs of capitalised words, minus a leading sentence-opening function word."""
    spans = []
    for match in NAME.finditer(sentence):
        start, end = match.start(), match.end()
        words = match.group().split()
        while words and words[0].lower().strip(".,") in _WEAK_NAME_STARTS:
            start += len(words[0])
            rest = sentence[start:end]
            start += len(rest) - len(rest.lstrip())
            words = words[1:]
        text = sentence[start:end].rstrip(".'’")
        end = start + len(text)
        while text.endswith("'s"):
            end -= 2
            text = text[:-2]
        if words and end > start:
            spans.extend(_split_possessive(sentence, start, end))
    return spans


def _split_possessive(sentence: str, start: int, end: int) -> list[tuple[int, int]]:
    """"Taiwan's PSMC" names two things: the owner and the owned."""
    parts, cursor = [], start
    for match in re.finditer(r"['’]s\s+", sentence[start:end]):
        parts.append((cursor, start + match.start()))
        cursor = start + match.end()
    parts.append((cursor, end))
    return [(a, b) for a, b in parts if b > a]


_MONEY = re.compile(r"[$¥€£₹]|\b(?:USD|JPY|INR|EUR|GBP|yen|dollars?|rupees?|euros?|pounds?|"
                    r"million|billion|trillion|crore|lakh)\b", re.IGNORECASE)
_SHARE = re.compile(r"%|\b(?:percent|per cent|half|third|thirds|quarter|quarters|fifth)\b",
                    re.IGNORECASE)
_DURATION = re.compile(r"\b(?:years?|months?|weeks?|days?|hours?|minutes?|decades?|centur(?:y|ies))"
                       r"\b", re.IGNORECASE)
_UNIT_CHECKS = {"money": _MONEY, "share": _SHARE, "duration": _DURATION}
_LONE_ONE = re.compile(r"^(?:one|a|an)$", re.IGNORECASE)


def fits_unit(span_text: str, unit: str) -> bool:
    """Does a number span measure what the question asks (money, share, duration)?"""
    if unit == "person":
        return looks_like_person(span_text)
    if _LONE_ONE.match(span_text.strip()):
        return False  # "One is the …" is a pronoun, not a count
    check = _UNIT_CHECKS.get(unit)
    return check is None or bool(check.search(span_text))


_NOT_PERSON = re.compile(
    r"\b(?:summit|ministry|ltd|limited|inc|corp|corporation|company|group|electronics?|region|"
    r"mission|magazine|university|institute|program|programme|partnership|dialogue|centre|"
    r"center|council|agency|government|bank|association|party|prefecture|province|state|city|"
    r"republic|kingdom|empire|india|japan|china|taiwan|tokyo|world|global|annual|national|"
    r"international|semiconductor|technology|industry|committee|department|office|foundation)"
    r"\b", re.IGNORECASE)


def looks_like_person(span_text: str) -> bool:
    """Two to four capitalised words and no organisation or place word: "Varuna Shankar"."""
    words = span_text.split()
    return 2 <= len(words) <= 4 and not _NOT_PERSON.search(span_text)


FINDERS = {"number": number_spans, "date": date_spans, "name": name_spans}


def typed_spans(sentence: str, answer_type: str) -> list[tuple[int, int]]:
    """Spans of the expected answer type ([] for 'other')."""
    finder = FINDERS.get(answer_type)
    return finder(sentence) if finder else []
