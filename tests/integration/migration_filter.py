"""The same filter as migrations/env.py: hand-made search index objects are not models."""


def include(obj, name, type_, reflected, compare_to):
    if type_ == "table" and name and name.startswith("search_fts"):
        return False
    return not (type_ == "index" and name and name.startswith("ix_search_trgm"))
