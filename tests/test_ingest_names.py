"""Source identity: files with the same name in different folders are different documents."""
from __future__ import annotations

from jumelage.atlas import Atlas
from jumelage.extract import default_extractor
from jumelage.ingest import ingest

PAGE_A = "Publié le 3 mai 2021\n\nLa ville de Cholet est jumelée avec Hamelin depuis 1974.\n"
PAGE_B = "Publié le 9 juin 2022\n\nLa ville de Niort est jumelée avec Wolfenbüttel depuis 1958.\n"


def test_same_file_name_in_two_folders_keeps_both_documents(tmp_path):
    for folder, text in (("cholet", PAGE_A), ("niort", PAGE_B)):
        (tmp_path / "site" / folder).mkdir(parents=True)
        (tmp_path / "site" / folder / "index.txt").write_text(text, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'atlas.sqlite'}"
    with Atlas.open(url) as atlas:
        first = ingest([tmp_path / "site"], atlas, extractor=default_extractor(), progress=False)
        assert first.counts()["new"] == 2
        assert atlas.summary()["sources"] == 2
        assert atlas.summary()["partnerships"] == 2
        again = ingest([tmp_path / "site"], atlas, extractor=default_extractor(), progress=False)
        assert again.counts()["unchanged"] == 2


def test_a_later_run_with_a_namesake_from_another_folder_does_not_replace_it(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "index.txt").write_text(PAGE_A, encoding="utf-8")
    (tmp_path / "b" / "index.txt").write_text(PAGE_B, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'atlas.sqlite'}"
    with Atlas.open(url) as atlas:
        ingest([tmp_path / "a" / "index.txt"], atlas, extractor=default_extractor(), progress=False)
        report = ingest([tmp_path / "b" / "index.txt"], atlas, extractor=default_extractor(), progress=False)
        assert report.counts()["new"] == 1
        assert atlas.summary()["sources"] == 2
        # the first one is still the same document, not replaced
        again = ingest([tmp_path / "a" / "index.txt"], atlas, extractor=default_extractor(), progress=False)
        assert again.counts()["unchanged"] == 1
        assert atlas.summary()["partnerships"] == 2
