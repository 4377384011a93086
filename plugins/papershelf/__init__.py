"""papershelf: a BibTeX reading list and per-paper notes as a browsable MkDocs site."""

__version__ = "0.1.0"
