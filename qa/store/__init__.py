"""Where the index lives, and how it is built, loaded and searched.

    from qa.store import open_store, Store
    store = open_store(settings)          # the index folder, or a Milvus store (`base`)

    base            the `Store` and `Rankings` interfaces, `FilesStore`, `open_store`
    index           build, save and load the index folder (`LoadedIndex`, `BuildReport`)
    generations     the index folder's generations: an atomic CURRENT pointer, a build lock
    faiss_index     the FAISS index over paragraph or sentence vectors, chosen by size
    lexical         BM25 over the paragraphs, merged from per-document term counts
    local_search    the three searches over an index loaded in memory
    prepared        vectors embedded ahead of a build, and reuse by text hash
    milvus_store    `MilvusStore`: the index in Milvus, so several processes serve one library
                    (its collections in `milvus_schema`, reads in `milvus_base`, writes in
                    `milvus_build`, loading in `milvus_load`)
    milvus_search   the three searches as Milvus requests
    ray_embedding   embedding on a Ray cluster for `qa build --ray`
"""

from qa.store.base import FilesStore, Rankings, Scope, Store, close_store, open_store

__all__ = ["FilesStore", "Rankings", "Scope", "Store", "close_store", "open_store"]
