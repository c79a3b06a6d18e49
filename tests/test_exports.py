"""The public API: `__all__` lists exactly what `qa` exports, and each name resolves."""

import qa


def test_all_names_resolve() -> None:
    for name in qa.__all__:
        assert getattr(qa, name) is not None
    assert sorted(qa.__all__) == qa.__all__
