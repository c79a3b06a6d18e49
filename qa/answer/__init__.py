"""How an answer is chosen. `qa.pipeline` reads the kind (`question_form`) and retrieves; then:

  summary · meta · definition   `summary`, `page`, `definitions` answer from the page itself
  every other kind, `decide`:   kind → candidates → read → verdict → compose
    kind        `question` repairs and weighs the terms, `question_form` reads the form
    candidates  `candidates` scores each retrieved sentence (`evidence`: term matches,
                `spans`: typed spans, `broad`: why/how/compare…, `quoting`: the one before)
    read        `reading`: the reader (`qa.reader`) nudges, reads, P(answer) (`decision`)
    verdict     `checks`: the table of checks (`antonyms`, `demonyms`, `facts`) → `Verdict`
    compose     `compose`: cited quotes (`citations`) or the refusal → `draft.Draft`
  `settings`: every weight and threshold; `conversation`: follow-ups; `suggestions`: the UI's.
"""
