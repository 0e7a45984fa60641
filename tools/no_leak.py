"""The no-leak check: no line of a reference solution in anything learners get.

The *secret lines* of the reference edition (``solutions/NN_slug.ipynb``) are the
non-trivial lines (:func:`nontrivial`) of

* every solution region (``### BEGIN SOLUTION`` ... ``### END SOLUTION``),
* every hidden-test block (``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS``),
* every written answer (a markdown cell marked as an nbgrader solution).

:func:`find_leaks` looks for them in a build product — a notebook, an HTML page (as its
text, tags removed), a README, every file of a wheel — as they are and JSON-escaped (how a
line looks inside an ``.ipynb`` file). ``make release`` and ``make html`` refuse to write
when it finds any; the tests use the same functions.
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import nbformat

MARKERS = (("BEGIN SOLUTION", "END SOLUTION"), ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"))
#: nbgrader's markers: none may appear in a learner's notebook or page
MARKER_WORDS = tuple(word for pair in MARKERS for word in pair)

_TAG = re.compile(r"<[^>]*>")
_DATA_URI = re.compile(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+")
_BASE64_JSON = re.compile(r'"image/(?:png|jpeg|gif|webp)":\s*"[A-Za-z0-9+/=\\n]*"')


class LeakError(RuntimeError):
    """A build product holds a line of a reference solution, hidden test or written answer."""


def _source(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def nontrivial(line: str) -> bool:
    """A line that says something: not blank, not a comment or a marker, and more than a
    keyword and a name or two (at least 16 letters, digits or non-ASCII letters)."""
    s = line.strip()
    if not s or s.startswith("#") or any(word in s for word in MARKER_WORDS):
        return False
    return len(re.sub(r"[\W_]+", "", s)) >= 16


def secret_lines_of(nb: nbformat.NotebookNode) -> set[str]:
    """The secret lines of one reference notebook (stripped)."""
    lines: set[str] = set()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        src = _source(cell).splitlines()
        if meta.get("solution") and cell.cell_type == "markdown":
            lines |= {ln.strip() for ln in src if nontrivial(ln)}
        for begin, end in MARKERS:
            inside = False
            for ln in src:
                if begin in ln:
                    inside = True
                elif end in ln:
                    inside = False
                elif inside and nontrivial(ln):
                    lines.add(ln.strip())
    return lines


def secret_lines(reference: Path) -> dict[str, set[str]]:
    """``{file name: secret lines}`` for every reference notebook ``NN_*.ipynb`` in ``reference``
    (empty when the folder does not exist)."""
    if not Path(reference).is_dir():
        return {}
    return {
        path.name: secret_lines_of(nbformat.read(path, as_version=4))
        for path in sorted(Path(reference).glob("[0-9][0-9]_*.ipynb"))
    }


def page_text(page: str) -> str:
    """What an HTML page says: tags removed, entities decoded (highlighted code becomes the
    code again), embedded images dropped."""
    return html.unescape(_TAG.sub("", _DATA_URI.sub("", page)))


def texts_of(name: str, data: bytes) -> Iterable[tuple[str, str]]:
    """``(where, text)`` pairs to search in one build product: a wheel gives each file it
    holds; an HTML page its markup and its text; anything else its text. Embedded images
    are dropped (they hold no text and are most of the bytes)."""
    if name.endswith(".whl"):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for member in zf.namelist():
                yield f"{name}:{member}", zf.read(member).decode("utf-8", "replace")
        return
    text = data.decode("utf-8", "replace")
    if name.endswith((".html", ".htm")):
        yield name, _DATA_URI.sub("", text)
        yield f"{name} (text)", page_text(text)
    elif name.endswith(".ipynb"):
        yield name, _BASE64_JSON.sub("", text)
    else:
        yield name, text


def find_leaks(text: str, secrets: Mapping[str, set[str]]) -> list[tuple[str, str]]:
    """``(reference notebook, line)`` for every secret line found in ``text``, as it is or
    JSON-escaped."""
    found = []
    for name, lines in secrets.items():
        for line in sorted(lines):
            if line in text or json.dumps(line)[1:-1] in text:
                found.append((name, line))
    return found


def check_products(products: Mapping[str, bytes], secrets: Mapping[str, set[str]]) -> list[str]:
    """Every leak in ``products`` (``{path: bytes}``), one message each (empty: none).

    Notebooks and pages must not hold nbgrader's markers either.
    """
    problems = []
    for name, data in products.items():
        for where, text in texts_of(name, data):
            for ref, line in find_leaks(text, secrets):
                problems.append(f"{where}: a line of {ref}'s solutions: {line!r}")
            if name.endswith((".ipynb", ".html", ".htm")):
                problems += [f"{where}: nbgrader marker {w!r}" for w in MARKER_WORDS if w in text]
    return problems


def refuse_leaks(products: Mapping[str, bytes], secrets: Mapping[str, set[str]]) -> None:
    """Raise :class:`LeakError` listing every leak in ``products``; return when there is none."""
    problems = check_products(products, secrets)
    if problems:
        shown = problems[:20] + (
            [f"... and {len(problems) - 20} more"] if len(problems) > 20 else []
        )
        raise LeakError(
            "the build holds reference solutions, hidden tests or written answers; nothing "
            "was written:\n  " + "\n  ".join(shown)
        )
