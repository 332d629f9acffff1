"""A section's saved versions side by side: what changed between two of them, as lines of segments that the
versions page shows (escaped by the template: ``<del>`` and ``<ins>`` are the page's own)."""

from __future__ import annotations

from difflib import SequenceMatcher

CHARACTER_DIFF_UP_TO = 3_000  # characters per line; longer changed lines are shown as removed and added

Segment = tuple[str, str]  # (equal | del | ins, text)


def _chars(before: str, after: str) -> list[Segment]:
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            segments.append(("del", before[i1:i2]))
        if tag in ("insert", "replace"):
            segments.append(("ins", after[j1:j2]))
        if tag == "equal":
            segments.append(("equal", before[i1:i2]))
    return segments


def diff_lines(before: str | None, after: str | None) -> list[list[Segment]]:
    """The difference of two texts: paragraphs compared line by line, a changed paragraph character by
    character."""
    a, b = (before or "").split("\n"), (after or "").split("\n")
    out: list[list[Segment]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out += [[("equal", line)] for line in a[i1:i2]]
        elif tag == "replace" and i2 - i1 == j2 - j1:
            for old, new in zip(a[i1:i2], b[j1:j2], strict=True):
                if len(old) <= CHARACTER_DIFF_UP_TO and len(new) <= CHARACTER_DIFF_UP_TO:
                    out.append(_chars(old, new))
                else:
                    out += [[("del", old)], [("ins", new)]]
        else:
            out += [[("del", line)] for line in a[i1:i2]]
            out += [[("ins", line)] for line in b[j1:j2]]
    return out
