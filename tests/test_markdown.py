"""Markdown facts shared by the page writer, the review and the importer."""

from __future__ import annotations

import pytest

from papershelf.markdown import fence_mask


@pytest.mark.parametrize(
    ("text", "mask"),
    [
        pytest.param("a\n```\ncode\n```\nb", "0 1 1 1 0", id="backticks"),
        pytest.param("~~~\n```\n~~~\nb", "1 1 1 0", id="tilde-block-holds-backticks"),
        pytest.param("````\n```\n````\nb", "1 1 1 0", id="longer-fence-holds-shorter"),
        pytest.param("```py\nx\n``` not a close\n```\nb", "1 1 1 1 0", id="close-has-no-info"),
        pytest.param("``` `x` ```\nb", "0 0", id="inline-code-is-not-a-fence"),
        pytest.param("- item\n    ```\n    x\n    ```\nb", "0 1 1 1 0", id="in-a-list"),
        pytest.param("```\nnever closed\nstill code", "1 1 1", id="unclosed-runs-to-end"),
    ],
)
def test_fence_mask_reads_fences_as_commonmark_does(text: str, mask: str) -> None:
    assert fence_mask(text.split("\n")) == [flag == "1" for flag in mask.split()]
