"""The extraction pipeline is an explicit list of components run by one loop (`extract/components.py`):
these tests need no language model."""
from __future__ import annotations

import pytest

from jumelage.extract import components
from jumelage.extract.analysis import Analysis
from jumelage.extract.components import ANALYSE, DECIDE, PIPELINE, Component, Context, check
from jumelage.records import Document


def _doc(text: str, **kw) -> Document:
    return Document(name="n.txt", text=text, media_type="text/plain", content_hash="0" * 64, **kw)


def test_the_pipeline_names_each_step_once_and_every_need_is_set_before() -> None:
    names = [c.name for c in PIPELINE]
    assert names == ["units", "mentions", "date", "owner", "short_names", "subjects", "context",
                     "partnerships", "pair_decision", "events", "unit_decision"]
    assert PIPELINE == ANALYSE + DECIDE
    check(PIPELINE)                       # no error: the order is sound
    fields = set(Analysis.__dataclass_fields__)
    assert all(set(c.needs) | set(c.sets) <= fields for c in PIPELINE)


def test_a_component_moved_before_what_it_reads_is_refused_by_name() -> None:
    reordered = [c for c in PIPELINE if c.name != "owner"]
    reordered.insert(reordered.index(next(c for c in reordered if c.name == "mentions")),
                     next(c for c in PIPELINE if c.name == "owner"))
    with pytest.raises(ValueError, match="'owner' needs mentions, countries"):
        check(reordered)


def test_the_loop_runs_components_in_order_on_one_analysis() -> None:
    seen: list[str] = []

    def step(name: str, value: str):
        def run(an: Analysis, ctx: Context) -> None:
            seen.append(name)
            an.context = (an.context or "") + value
        return run

    an = Analysis(name="n.txt", text="", folded="", layout=None, doc=None)
    ctx = Context(_doc(""))
    steps = [Component("a", (), ("context",), step("a", "1")),
             Component("b", ("context",), ("context",), step("b", "2"))]
    check(steps)
    assert components.run(steps, an, ctx) is an
    assert seen == ["a", "b"] and an.context == "12"


def test_the_date_and_context_components_work_on_a_hand_built_analysis() -> None:
    text = "Publié le 3 mars 2021. Pendant la pandémie de covid-19, la ville a distribué des masques."
    an = Analysis(name="n.txt", text=text, folded=text.lower(), layout=None, doc=None)
    ctx = Context(_doc(text, metadata_date="2026-11-30"))
    by_name = {c.name: c for c in PIPELINE}
    by_name["date"].run(an, ctx)
    by_name["context"].run(an, ctx)
    assert an.date == "2021-03-03"         # the text's date wins over the file's metadata
    assert an.context == "covid-19"


def test_given_models_are_used_and_missing_ones_are_none() -> None:
    marker = object()
    ctx = Context(_doc(""), models={"pairs": marker})
    assert ctx.model("pairs") is marker and ctx.model("actions") is None
