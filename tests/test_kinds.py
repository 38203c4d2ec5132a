"""One order of partnership kinds, in `records.py`; the extractor and the atlas derive theirs."""
from __future__ import annotations

from jumelage import records
from jumelage.atlas import merge
from jumelage.extract import cues


def test_kinds_are_ordered_most_specific_first() -> None:
    assert records.PARTNERSHIP_KINDS == ("twinning", "cooperation", "friendship", "partnership")
    assert records.best_kind(["partnership", "friendship"]) == "friendship"
    assert records.best_kind(["partnership", "twinning", "cooperation"]) == "twinning"
    assert records.best_kind(["unknown"]) is None and records.best_kind([]) is None
    ranks = [records.KIND_RANK[k] for k in records.PARTNERSHIP_KINDS]
    assert ranks == sorted(ranks, reverse=True)


def test_the_extractor_and_the_atlas_use_that_order() -> None:
    assert cues.best_kind is records.best_kind
    assert [k for k, _ in cues.kind_patterns()] == list(records.PARTNERSHIP_KINDS)
    claims = [{"kind": "partnership"}, {"kind": "friendship"}, {"kind": "cooperation"}]
    assert merge.partnership_fields(claims, [])["kind"] == "cooperation"
    assert "kind_precedence" not in cues.data()
