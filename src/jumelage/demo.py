"""The sample documents that ship inside the package, so that `jumelage demo` (and the web atlas's
first run) work from an installed wheel as well as from a source checkout.

The samples are short French texts written for this project (real towns, invented events); they are
package data under `jumelage/samples/` (the checkout's top-level `samples` is a link to that folder).
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from jumelage.errors import JumelageError


def sample_folder() -> Path:
    """The folder of the bundled sample documents (`.txt` and `.html` files).

    Raises `JumelageError` when the installation lacks them (a broken or stripped install).
    """
    folder = Path(str(resources.files("jumelage") / "samples"))
    if not folder.is_dir() or not any(folder.iterdir()):
        raise JumelageError(f"{folder}: the sample documents are missing from this installation")
    return folder


def busiest_place(atlas: Any) -> str | None:
    """The name of the place with the most partners (then the most actions), to suggest a first
    `jumelage show` or page to open; None for an empty atlas. `atlas` is an open `Atlas`."""
    return atlas.busiest_place()
