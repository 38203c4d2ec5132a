"""jumelage: turn what cities publish about their international partnerships into a living atlas.

The flow is one way: `read` (documents to text) → `extract` (text to records) → `atlas` (the store)
→ `match` (partner recommendation), with `web` and `cli` on top. Records cross boundaries as the
plain dataclasses of `jumelage.records`.
"""

__version__ = "0.1.0"
