"""Find where a text names a place or organisation, and keep the stored name keys current.

The atlas stores `jumelage.names.name_key` of every place and organisation name
(`place_names.folded`, `organisations.folded`); the key is defined there, once, for the
gazetteer, the atlas, search, `import-pairs` and the matcher. This module holds what only the
atlas needs around it:
- `FoldedText`: a name's occurrence in a document's text, case and accents aside, so evidence
  points into the text even when the extractor gave a name without a span;
- `rekey_stored_names(conn)`: recompute every stored key (run by the Alembic data migration that
  follows each change of `NAME_KEY_VERSION`);
- `sort_key(name)`: where a name goes in a list (`places.sort_name`), in French dictionary order
  on both databases: « Évry » between « Étampes » and « Ézy », not after « Zurich ».
"""
from __future__ import annotations

import re
from functools import lru_cache

from sqlalchemy import Connection, inspect, text

from jumelage.names import name_key, plain_letters

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    return plain_letters(ch)


def sort_key(name: str) -> str:
    """The key lists sort place names by: case, accents and ligatures aside (`plain_letters`),
    punctuation read as a space, words joined by one space (`"Île-d'Yeu"` -> `"ile d yeu"`,
    `"Œuilly"` -> `"oeuilly"`). Compared character by character (binary on SQLite, collation
    `C` on PostgreSQL), it gives the French order of letters, a shorter word before a longer one
    it begins (« Saint Denis » < « Saintes »), digits before letters. Unlike `name_key` it keeps
    `St` as written, since a list shows the name as written."""
    plain = plain_letters(name)
    return " ".join("".join(ch if ch.isalnum() else " " for ch in plain).split())


class _OneToOne(dict[int, str]):
    """`str.translate` table folding each character to one character: its folded letter or
    digit, a space for anything else, or `IRREGULAR` when it folds to several characters or none
    (`œ`, a lone accent), which the one-to-one search cannot follow. Filled as characters come."""

    def __missing__(self, code: int) -> str:
        folded = plain_letters(chr(code))
        if len(folded) == 1:
            out = folded if ("0" <= folded <= "9" or "a" <= folded <= "z") else " "
        elif folded and _NON_ALNUM.fullmatch(folded):
            out = " "
        else:
            out = IRREGULAR
        self[code] = out
        return out


IRREGULAR = "\x00"
_ONE_TO_ONE = _OneToOne()


@lru_cache(maxsize=4096)
def _word_pattern(key: str) -> re.Pattern[str]:
    """Whole-word occurrence of a folded key in a one-to-one folded text."""
    words = r" +".join(re.escape(word) for word in key.split(" "))
    return re.compile(r"(?<![0-9a-z])" + words + r"(?![0-9a-z])")


class FoldedText:
    """A text folded character by character, remembering where each folded character came from.

    Used to find where a document names a place or an organisation when the extractor gave the
    name but no span (`Padoue` found in `… à PADOUE, …`), so the evidence still points into the
    text. Built lazily and cheaply: when every character folds to exactly one (almost always),
    the folded text is one `str.translate` and its offsets are the text's own.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._same: str | None = None
        self._folded: str | None = None
        self._origin: list[int] = []
        same = text.translate(_ONE_TO_ONE)
        if IRREGULAR not in same:
            self._same = same

    @property
    def folded(self) -> str:
        """The folded text: runs of other characters as one space, between two spaces."""
        if self._folded is None:
            self._fold()
        assert self._folded is not None
        return self._folded

    def _fold(self) -> None:
        chars: list[str] = []
        origin: list[int] = []
        last_space = True
        for i, ch in enumerate(self.text):
            for f in _fold_char(ch):
                if not ("0" <= f <= "9" or "a" <= f <= "z"):
                    if last_space:
                        continue
                    f, last_space = " ", True
                else:
                    last_space = False
                chars.append(f)
                origin.append(i)
        self._folded = " " + "".join(chars) + " "
        self._origin = origin

    def find(self, name: str) -> tuple[int, int] | None:
        """The span `[start, end)` of the first whole-word occurrence of `name`, or None."""
        key = " ".join(_NON_ALNUM.sub(" ", plain_letters(name)).split())
        if not key:
            return None
        if self._same is not None:
            m = _word_pattern(key).search(self._same)
            return (m.start(), m.end()) if m else None
        at = self.folded.find(" " + key + " ")
        if at < 0:
            return None
        first = at  # index into `chars` (the leading space of `self.folded` shifts by one)
        last = at + len(key) - 1
        return self._origin[first], self._origin[last] + 1


# -- stored keys ---------------------------------------------------------------------------------
_BATCH = 1000


def rekey_stored_names(conn: Connection) -> dict[str, int]:
    """Recompute `place_names.folded` and `organisations.folded` with the current `name_key`.

    Runs inside the caller's transaction (an Alembic data migration). Organisations whose names
    now share a key become one: the reviewed one (else the oldest) stays, the others' actions,
    initiatives and evidence move to it; places' sort names and the search index follow
    (`_resort_and_reindex`). Returns counts: `place_names` and `organisations` rekeyed,
    `organisations_merged`, `sort_names`, `search_rebuilt` (0 or 1). Plain SQL, so it does not depend on the ORM models of
    later versions.
    """
    counts = {"place_names": 0, "organisations": 0, "organisations_merged": 0}
    changed = [{"i": rid, "k": name_key(name)}
               for rid, name, key in conn.execute(text("SELECT id, name, folded FROM place_names"))
               if name_key(name) != key]
    for at in range(0, len(changed), _BATCH):
        conn.execute(text("UPDATE place_names SET folded = :k WHERE id = :i"),
                     changed[at:at + _BATCH])
    counts["place_names"] = len(changed)

    orgs = conn.execute(text(
        "SELECT id, name, folded, review_state FROM organisations ORDER BY id")).all()
    groups: dict[str, list[tuple[int, str, str]]] = {}
    for rid, name, key, state in orgs:
        groups.setdefault(name_key(name), []).append((rid, key, state))
    final: list[dict[str, object]] = []
    for new_key, members in groups.items():
        keep = next((m for m in members if m[2] != "extracted"), members[0])
        for rid, _, _ in members:
            if rid != keep[0]:
                _merge_organisation(conn, rid, keep[0])
                counts["organisations_merged"] += 1
        if keep[1] != new_key:
            final.append({"i": keep[0], "k": new_key})
    # two passes, so that no key is ever held by two rows, even for a moment
    for at in range(0, len(final), _BATCH):
        part = final[at:at + _BATCH]
        conn.execute(text("UPDATE organisations SET folded = :t WHERE id = :i"),
                     [{"i": row["i"], "t": f"\x00{row['i']}"} for row in part])
    for at in range(0, len(final), _BATCH):
        conn.execute(text("UPDATE organisations SET folded = :k WHERE id = :i"),
                     final[at:at + _BATCH])
    counts["organisations"] = len(final)
    counts.update(_resort_and_reindex(conn, bool(changed or final)))
    return counts


def _resort_and_reindex(conn: Connection, rekeyed: bool) -> dict[str, int]:
    """What else is built from a name's letters (`plain_letters`, the letter-level half of the
    name key): `places.sort_name` recomputed where it differs, and the search index rebuilt when
    any name changed key or place. Each only where the atlas's schema already has it (a data
    migration older than them leaves them to the migration that creates them)."""
    found = inspect(conn)
    counts = {"sort_names": 0, "search_rebuilt": 0}
    if "sort_name" in {c["name"] for c in found.get_columns("places")}:
        resorted = [{"i": rid, "s": sort_key(name)} for rid, name, current in
                    conn.execute(text("SELECT id, name, sort_name FROM places"))
                    if sort_key(name) != current]
        for at in range(0, len(resorted), _BATCH):
            conn.execute(text("UPDATE places SET sort_name = :s WHERE id = :i"),
                         resorted[at:at + _BATCH])
        counts["sort_names"] = len(resorted)
    if "search_docs" in found.get_table_names() and (rekeyed or counts["sort_names"]):
        from jumelage.atlas import search

        search.rebuild(conn)
        counts["search_rebuilt"] = 1
    return counts


def _merge_organisation(conn: Connection, gone: int, kept: int) -> None:
    """Move what refers to organisation `gone` to `kept`, then delete `gone`."""
    ids = {"gone": gone, "kept": kept}
    for table, owner in (("action_organisations", "action_id"),
                         ("initiative_organisations", "initiative_id")):
        conn.execute(text(
            f"DELETE FROM {table} WHERE organisation_id = :gone AND {owner} IN"
            f" (SELECT {owner} FROM {table} WHERE organisation_id = :kept)"), ids)
        conn.execute(text(
            f"UPDATE {table} SET organisation_id = :kept WHERE organisation_id = :gone"), ids)
    conn.execute(text("UPDATE evidence SET organisation_id = :kept WHERE organisation_id = :gone"),
                 ids)
    conn.execute(text("DELETE FROM organisations WHERE id = :gone"), ids)
