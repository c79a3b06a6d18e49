"""Whether a sentence can be quoted alone, or needs the sentence before it.

A sentence that *refers* back ("It plans to invest …", "This number increased to 58", "These
include …") cannot be understood alone, so it is quoted with the sentence before it. One that
only *connects* back ("Finally, there is a partnership …", "Additionally, Tokyo plans …",
"Another is …") reads on its own: it is quoted alone, though the words of the sentence before
still count a little as its context when sentences are scored.
"""

from __future__ import annotations

import re

_REFERS_BACK = re.compile(
    r"^(?:(?:and|but|so) )?(?:it|its|this|these|that|those|they|them|their|he|she|his|her|"
    r"him|such|the latter|the former|the same|both of them|here|there (?:too|again))\b(?!-)|"
    r"\b(?:this|that|these|those|the same|such) (?:number|figure|location|place|site|amount|"
    r"year|move|deal|initiative|effort|efforts|plan|growth|increase|decline|trend|change|"
    r"project|program|programme|agreement|partnership|investment|step|region|city|country|"
    r"company|period|time|one|ones)\b", re.IGNORECASE)
_CONNECTS_BACK = re.compile(
    r"^(?:another|finally|additionally|also|however|in contrast|in addition|moreover|"
    r"furthermore|then|both|one is|one of them|the other|similarly|likewise|meanwhile|"
    r"as a result|therefore|thus|for example|for instance)\b", re.IGNORECASE)

def refers_back(sentence: str) -> bool:
    """The sentence cannot be understood without the one before it."""
    return bool(_REFERS_BACK.search(sentence))


_CONTRASTS_BACK = re.compile(r"^(?:in contrast|by contrast|however|meanwhile|on the other hand|"
                             r"conversely|instead|yet|still|unlike)\b", re.IGNORECASE)


def contrasts_back(sentence: str) -> bool:
    """The sentence opens by setting itself against the one before ("In contrast, …"): in a
    comparison, the two are one answer."""
    return bool(_CONTRASTS_BACK.match(sentence))


def connects_back(sentence: str) -> bool:
    """The sentence carries on from the one before (refers back, or opens with a link word)."""
    return refers_back(sentence) or bool(_CONNECTS_BACK.match(sentence))


__all__ = ["connects_back", "contrasts_back", "refers_back"]
