"""A section's saved versions side by side: what changed between two of them, escaped for the page."""

from __future__ import annotations

from difflib import SequenceMatcher

from markupsafe import Markup, escape

CHARACTER_DIFF_UP_TO = 3_000  # characters per line; longer changed lines are shown as removed and added


def _line(parts: list[Markup]) -> Markup:
    return Markup('<p class="diff-line">{}</p>').format(Markup("").join(parts) or Markup("&nbsp;"))


def _chars(before: str, after: str) -> Markup:
    parts = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            parts.append(Markup("<del>{}</del>").format(before[i1:i2]))
        if tag in ("insert", "replace"):
            parts.append(Markup("<ins>{}</ins>").format(after[j1:j2]))
        if tag == "equal":
            parts.append(escape(before[i1:i2]))
    return _line(parts)


def diff_html(before: str | None, after: str | None) -> Markup:
    """The difference of two texts as HTML: paragraphs compared line by line, a changed paragraph
    character by character (<del>/<ins>); every character of the texts escaped."""
    a, b = (before or "").split("\n"), (after or "").split("\n")
    out = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out += [_line([escape(line)]) for line in a[i1:i2]]
        elif tag == "replace" and i2 - i1 == j2 - j1:
            for old, new in zip(a[i1:i2], b[j1:j2], strict=True):
                if len(old) <= CHARACTER_DIFF_UP_TO and len(new) <= CHARACTER_DIFF_UP_TO:
                    out.append(_chars(old, new))
                else:
                    out += [
                        _line([Markup("<del>{}</del>").format(old)]),
                        _line([Markup("<ins>{}</ins>").format(new)]),
                    ]
        else:
            out += [_line([Markup("<del>{}</del>").format(line)]) for line in a[i1:i2]]
            out += [_line([Markup("<ins>{}</ins>").format(line)]) for line in b[j1:j2]]
    return Markup("").join(out)
