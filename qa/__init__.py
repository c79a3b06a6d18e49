"""Document-grounded question answering with verbatim, numbered citations — offline.

    from qa import Pipeline
    answer = Pipeline.load().ask("What did Modi's two-day visit to Japan result in?")
    print(answer.answer, answer.citations[0].quote)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qa.config import Settings
from qa.errors import (
    CorpusError,
    DocumentError,
    IndexCorruptError,
    IndexError_,
    InputError,
    QAError,
)
from qa.types import Answer, Citation, Document, Paragraph

if TYPE_CHECKING:
    from qa.pipeline import Pipeline

__all__ = [
    "Answer",
    "Citation",
    "CorpusError",
    "Document",
    "DocumentError",
    "IndexCorruptError",
    "IndexError_",
    "InputError",
    "Paragraph",
    "Pipeline",
    "QAError",
    "Settings",
]


def __getattr__(name: str) -> object:
    # Pipeline pulls in torch and FAISS; import it only when asked for.
    if name == "Pipeline":
        from qa.pipeline import Pipeline

        return Pipeline
    raise AttributeError(f"module 'qa' has no attribute {name!r}")
