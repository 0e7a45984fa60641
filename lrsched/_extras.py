"""Imports of the optional dependencies, with an error that names the extra to install.

``pip install lrsched`` needs only NumPy. The course's plotting (matplotlib), slider
explorers (ipywidgets) and the parts built on scikit-learn come with the ``course`` extra::

    pip install "lrsched[course]"

A course-only module calls :func:`require` before importing its dependency, so that using
it without the extra raises an :class:`ImportError` that says what to install, instead of a
bare ``ModuleNotFoundError: No module named 'matplotlib'``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

#: The extra that brings each optional top-level module, and the packages it installs.
EXTRA_OF = {
    "matplotlib": "course",
    "ipywidgets": "course",
    "IPython": "course",
    "sklearn": "course",
}


def require(module: str, *, feature: str) -> ModuleType:
    """Import ``module`` or raise an ImportError naming the extra that provides it.

    Parameters
    ----------
    module : str
        Top-level name of the optional dependency, e.g. ``"matplotlib"``.
    feature : str
        What needs it, for the message, e.g. ``"lrsched.plot"``.

    Returns
    -------
    module
        The imported module.

    Raises
    ------
    ImportError
        If ``module`` cannot be imported; the message names the extra
        (``pip install "lrsched[course]"``).
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        extra = EXTRA_OF.get(module.partition(".")[0], "course")
        raise ImportError(
            f"{feature} needs {module!r}, which is not installed. It comes with the "
            f"{extra!r} extra of lrsched: pip install \"lrsched[{extra}]\" "
            f"(or, from a clone of the course: pip install -e \".[{extra}]\")"
        ) from exc
