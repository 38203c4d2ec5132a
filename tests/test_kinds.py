"""One order of partnership kinds, in `records.py`; the extractor and the atlas derive theirs."""
from __future__ import annotations

from pathlib import Path

from jumelage import records
from jumelage.atlas import merge
from jumelage.extract import cues


def test_kinds_are_ordered_most_specific_first() -> None:
    assert records.PARTNERSHIP_KINDS == ("twinning", "cooperation", "friendship", "partnership")
    assert records.best_kind(["partnership", "friendship"]) == "friendship"
    assert records.best_kind(["partnership", "twinning", "cooperation"]) == "twinning"
    assert records.best_kind(["unknown"]) is None and records.best_kind([]) is None
    assert not hasattr(records, "KIND_RANK")       # one order, no second table beside it


def test_the_web_and_the_command_line_list_kinds_in_that_order() -> None:
    from typer.testing import CliRunner

    from jumelage.cli import app
    from jumelage.web import render

    assert render.templates.env.globals["all_kinds"] == records.PARTNERSHIP_KINDS
    source = (Path(render.__file__).parent / "templates" / "partnerships.html").read_text()
    assert "all_kinds" in source and '"twinning"' not in source
    text = CliRunner().invoke(app, ["add", "partnership", "--help"], env={"COLUMNS": "200"}).output
    assert ", ".join(records.PARTNERSHIP_KINDS) in text


def test_the_extractor_and_the_atlas_use_that_order() -> None:
    assert cues.best_kind is records.best_kind
    assert [k for k, _ in cues.kind_patterns()] == list(records.PARTNERSHIP_KINDS)
    claims = [{"kind": "partnership"}, {"kind": "friendship"}, {"kind": "cooperation"}]
    assert merge.partnership_fields(claims, [])["kind"] == "cooperation"
    assert "kind_precedence" not in cues.data()
