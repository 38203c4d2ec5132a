"""Read documents as people have them (.txt, .md, .html, .pdf, .docx; whole folders) into
`jumelage.records.Document`s whose text the extractor's offsets refer to.

    read_document(path) -> Document          from a file (ReadError with one clear line)
    read_bytes(data, name, media_type=None)  from memory (web uploads)
    iter_documents(paths) -> Iterator[Path]  files and folders expanded, sorted
    scan(paths, exclude) -> Scan             the same, with what folders held that is skipped
"""
from jumelage.read.dispatch import SUPPORTED_SUFFIXES, read_bytes, read_document
from jumelage.read.walk import Scan, iter_documents, scan

__all__ = ["SUPPORTED_SUFFIXES", "Scan", "iter_documents", "read_bytes", "read_document",
           "scan"]
