"""Measuring the answers: `qa eval` and `qa ask --batch`.

    evaluation   the eval JSONL format, judging one answer, the summary table
    squad        SQuAD-style scoring of article folders (each indexed on its own)
    batch        `qa ask --batch IN.jsonl --out OUT.jsonl`
    commands     the `qa eval` command's body (`qa.cli` parses its arguments)
"""
