"""Quiet third-party libraries, for every entry point (`qa`, app.py, the benchmarks).

    quiet_libraries()    # once, before any model or index is loaded
"""

from __future__ import annotations

import logging
import os
import sys


def quiet_libraries() -> None:
    """Silence model-loading progress bars and library chatter; our own messages remain.
    transformers is told through its environment variables, read when (and if) it is first
    imported: importing it here would add a second to every cold `qa ask`."""
    for name in ("sentence_transformers", "transformers", "faiss", "httpx", "pypdf"):
        logging.getLogger(name).setLevel(logging.ERROR)
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    if "transformers" in sys.modules:  # already imported: its settings were read
        import transformers.utils.logging as tlog

        tlog.disable_progress_bar()
        tlog.set_verbosity_error()
