"""The documents: files in, numbered paragraphs and sentences out, and the library of them.

    corpus      a corpus folder → `Document`s of numbered paragraphs (plain text and Markdown)
    formats     HTML and PDF → text blocks that `corpus` numbers
    sentences   a paragraph's sentences, with character offsets
    library     `qa add` / `remove` / `list`: copy files into the corpus, keep the index current
    reports     what add, remove and list return, and how the command line prints it
    live        the pipeline a running app serves, swapped for a new one after a change
"""
