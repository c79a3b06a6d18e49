"""`qa ask --batch`: answer a JSONL file of questions with models loaded once.

Input lines are {"id", "question", "history"}; output lines keep the input order and add
"answer", "abstained", "short_answer", "citations", "latency_ms". A bad line gets an error
object ({"id", "error"}) and the batch goes on.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from qa.errors import QAError
from qa.pipeline import Pipeline

log = logging.getLogger(__name__)


def answer_line(pipeline: Pipeline, line: str, number: int) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        return {"id": None, "line": number, "error": f"not JSON ({error.msg})"}
    if not isinstance(item, dict):
        return {"id": None, "line": number, "error": "each line must be a JSON object"}
    ident = item.get("id", number)
    try:
        answer = pipeline.ask(item.get("question"), history=item.get("history") or [],
                              doc=item.get("doc"))
    except QAError as error:
        return {"id": ident, "question": item.get("question"), "error": str(error)}
    except Exception as error:  # a bug must not cost the answers of the other lines
        log.debug("line %d failed", number, exc_info=True)
        return {"id": ident, "question": item.get("question"),
                "error": f"internal error ({type(error).__name__}: {error})"[:300]}
    return {"id": ident, **answer.to_dict()}


def run_batch(pipeline: Pipeline, source: Path, target: Path) -> tuple[int, int]:
    """Answer every line of `source` into `target`; return (lines, errors)."""
    count = errors = 0
    tmp = target.with_name(target.name + ".part")
    with source.open(encoding="utf-8", errors="replace") as lines, tmp.open(
            "w", encoding="utf-8") as out:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            result = answer_line(pipeline, line, number)
            count += 1
            errors += "error" in result
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
    tmp.replace(target)
    return count, errors
