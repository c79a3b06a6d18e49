"""The one error hierarchy of the package; the edges (CLI, UI, API) turn it into messages.

    QAError                     anything the user can act on; str(e) is the one-line message
    ├── InputError              a question or argument we refuse (empty, too long, bad JSON…)
    ├── DocumentError           a document that cannot be read or parsed (names the file)
    ├── CorpusError             no usable documents at all
    ├── IndexError_             the index on disk is missing, stale or corrupt
    │   └── IndexCorruptError   unreadable or inconsistent files: fix with `qa build`
    ├── ReaderError             the span reader's weights are missing or altered
    └── AccessDenied            the caller may not do this (role, login, quota)

Nothing here is raised for programming errors; those stay ordinary exceptions.
"""

from __future__ import annotations


class QAError(Exception):
    """Base class: the message is meant for the user, on one line."""


class InputError(QAError):
    """The user's input is refused, with the reason."""


class DocumentError(QAError):
    """One document could not be used; the message names the file."""


class CorpusError(QAError):
    """The corpus folder holds no usable document."""


class IndexError_(QAError):  # noqa: N801 - avoid shadowing the builtin IndexError
    """The index on disk cannot be used as it is."""


class IndexCorruptError(IndexError_):
    """The index files are damaged or inconsistent."""

    def __init__(self, index_dir: object, detail: str) -> None:
        super().__init__(
            f"The index in {index_dir} is corrupt ({detail}). "
            f"Rebuild it with: qa build --index {index_dir}"
        )


class ReaderError(QAError):
    """The span reader's weights are missing or do not match their checksum."""


class AccessDenied(QAError):
    """The caller is not allowed to do this: not logged in, the wrong role, over a quota."""
