"""Importing an optional framework, with an error that says how to install it."""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["require", "EXTRA"]

#: The optional-dependencies extra that installs PyTorch, JAX/optax and Keras.
EXTRA = "frameworks"


def require(module: str, adapter: str) -> ModuleType:
    """Import ``module`` for the adapter ``lrsched.<adapter>``, or raise a helpful ImportError.

    Raises
    ------
    ImportError
        Naming the missing module and the extra that installs it:
        ``pip install "lrsched[frameworks]"``.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"lrsched.{adapter} needs {module}, which is not installed; install the "
            f'"{EXTRA}" extra: pip install "lrsched[{EXTRA}]" (or pip install {module})'
        ) from exc
