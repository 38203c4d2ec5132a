"""Exports of the whole atlas: `GET /api/export.json` (complete, re-importable),
`/api/export.csv` (a zip of one CSV table per kind) and `/api/export.geojson`.

They call the same functions as `jumelage export` (`jumelage.atlas.exchange`).
"""
from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from jumelage.atlas.exchange import export_csv, export_geojson, export_json
from jumelage.web.deps import AtlasDep

router = APIRouter()


@router.get("/api/export.json", tags=["exports"], summary="The whole atlas as JSON")
def export_json_route(atlas: AtlasDep) -> dict[str, Any]:
    return export_json(atlas)


@router.get("/api/export.geojson", tags=["exports"],
            summary="Places as points and partnerships as lines (GeoJSON)")
def export_geojson_route(atlas: AtlasDep) -> dict[str, Any]:
    return export_geojson(atlas)


@router.get("/api/export.csv", tags=["exports"], summary="One CSV table per kind, zipped",
            response_class=Response,
            responses={200: {"content": {"application/zip": {}}}})
def export_csv_route(atlas: AtlasDep) -> Response:
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="jumelage-csv-") as tmp:
        files = export_csv(atlas, tmp)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in files:
                zf.write(path, f"atlas-csv/{Path(path).name}")
    return Response(buffer.getvalue(), media_type="application/zip",
                    headers={"Content-Disposition": 'attachment; filename="atlas-csv.zip"'})
