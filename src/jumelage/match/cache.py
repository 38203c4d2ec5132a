"""Keep the built matcher of an atlas between runs, so only the first `jumelage match` on an
atlas version pays for reading the graph, the signals and the fitted model (45 s on the world
list under load); later ones load it in half a second.

The key is a fingerprint of the atlas version (`load.atlas_version`: counts, ids and update
times of the tables the graph is read from, so any record the matcher reads that is added,
changed, reviewed or removed gives another key), the seed, and the matcher's own code and words
(`match/*.py`, `match/data/*`), so a stale model is never used. The atlas is never written: the
files live in the user cache directory (`~/.cache/jumelage/match/` on Linux;
`$JUMELAGE_CACHE_DIR/match/` when that variable is set), at most `KEEP` of them, the least
recently used removed first. A file that cannot be read (another library version, a partial
write) is rebuilt; a folder that cannot be written only costs the rebuild next time.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from jumelage.match.load import atlas_version, graph_from_atlas
from jumelage.match.matcher import Matcher

if TYPE_CHECKING:
    from jumelage.atlas import Atlas

FORMAT = 1      # bump when the pickled layout changes in a way the code hash would not show
KEEP = 4        # cached matchers kept (one per atlas version), the oldest removed first


def cache_dir() -> Path:
    """The folder of the cached matchers: `$JUMELAGE_CACHE_DIR/match` or the user cache
    directory's `jumelage/match` (platformdirs)."""
    import platformdirs

    root = os.environ.get("JUMELAGE_CACHE_DIR") or platformdirs.user_cache_dir("jumelage")
    return Path(root) / "match"


@lru_cache(maxsize=1)
def _code_hash() -> str:
    here = Path(__file__).parent
    h = hashlib.sha256()
    for path in sorted([*here.glob("*.py"), *here.glob("data/*")]):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def fingerprint(version: str, seed: int = 0) -> str:
    """Hex digest of an atlas version (`load.atlas_version`), the seed and the matcher's code:
    equal digests mean the same matcher would be built."""
    return hashlib.sha256(f"{FORMAT}|{seed}|{_code_hash()}|{version}".encode()).hexdigest()


def cached_matcher(atlas: Atlas, seed: int = 0, folder: Path | None = None) -> Matcher:
    """The `Matcher` over `atlas` as it is now: loaded from the cache when one was built from
    the same atlas version, else built from `graph_from_atlas(atlas)` and saved there (only when
    the atlas did not change meanwhile). Raises `AtlasError` when the atlas cannot be read,
    never for the cache itself."""
    folder = folder or cache_dir()
    key = fingerprint(atlas_version(atlas), seed)
    path = folder / f"{key}.pickle"
    try:
        with path.open("rb") as f:
            matcher = pickle.load(f)
        if isinstance(matcher, Matcher):
            os.utime(path)          # recently used: kept longer
            return matcher
    except Exception:               # missing, partial, or from another library version
        pass
    matcher = Matcher(graph_from_atlas(atlas), seed=seed)
    if fingerprint(atlas_version(atlas), seed) == key:
        _save(matcher, path)
    return matcher


def _save(matcher: Matcher, path: Path) -> None:
    part = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as f:
            part = Path(f.name)
            pickle.dump(matcher, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(part, path)
        part = None
        old = sorted(path.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime)
        for stale in old[:-KEEP]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass
    finally:
        if part is not None:
            part.unlink(missing_ok=True)
