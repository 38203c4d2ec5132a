"""Distinct copies of the bundled samples for ingest tests: each copy carries a line of its own (in
HTML, inside the body), so each has a content hash of its own."""
from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".html"))


def make_copies(folder: Path, copies: int) -> list[Path]:
    """`copies` distinct copies of each sample in `folder`, sorted."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(copies):
        for sample in SAMPLE_FILES:
            body = sample.read_text(encoding="utf-8")
            line = f"Exemplaire {i:03d}."
            body = (body.replace("</body>", f"<p>{line}</p></body>", 1)
                    if sample.suffix == ".html" else f"{body}\n{line}\n")
            (folder / f"{i:03d}-{sample.name}").write_text(body, encoding="utf-8")
    return sorted(folder.iterdir())
