"""Patterns for arXiv ids and code hosts, which the reader and the importer must agree on.

Defined once: when the importer and the reader each kept a list of code hosts, a Codeberg
link the importer filed as `homepage` was shown as "Project page" on a site that reads the
same link in `url` as code.
"""

from __future__ import annotations

import re

# New-style ids (2503.04625) and old-style ones with their archive (hep-th/9901001,
# math.GT/0309136); group 1 is the id, group 2 the version suffix (v2), if any. Archive names
# are at most 8 letters (`cond-mat`): bounded, a run such as `arxivq-arxivq-...` is not read to
# its end from every `arxiv` in it.
ARXIV_ID = r"(\d{4}\.\d{4,5}|[a-z][a-z\-]{0,15}(?:\.[A-Z]{2})?/\d{7})(v\d+)?"
ARXIV_IN_URL = re.compile(r"arxiv\.org/(?:abs|pdf|html)/" + ARXIV_ID, re.IGNORECASE)

CODE_HOSTS = re.compile(
    r"^https?://(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org|"
    r"codeberg\.org|huggingface\.co)/",
    re.IGNORECASE,
)


def is_code_url(url: str) -> bool:
    """Whether `url` points at a code host, so that it is shown as the paper's code."""
    return bool(CODE_HOSTS.match(url))
