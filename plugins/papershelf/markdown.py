"""Facts about Markdown text that several modules need, defined once."""

from __future__ import annotations

import re
from collections.abc import Sequence

# A code fence: three or more backticks or tildes. Indentation is allowed, because
# pymdownx.superfences (which Material's users enable) reads fences nested in lists.
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")


def fence_mask(lines: Sequence[str]) -> list[bool]:
    """For each line, whether it belongs to a fenced code block, its fences included.

    As CommonMark reads fences: a block closes only with a fence of the same character, at
    least as long as the opening one and with nothing after it, so ``` inside a ~~~ block (or
    ```` around ```) is text of the block, not its end. A block never closed runs to the end.
    """
    mask = []
    opening = ""
    for line in lines:
        match = _FENCE.match(line)
        if opening:
            mask.append(True)
            fence, rest = match.groups() if match else ("", "")
            if fence[:1] == opening[0] and len(fence) >= len(opening) and not rest.strip():
                opening = ""
        elif match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
            # (a backtick fence's info string may not hold a backtick: that is inline code)
            mask.append(True)
            opening = match.group(1)
        else:
            mask.append(False)
    return mask
