"""Static part of the integrity report: what a student's code cells reach for.

:func:`scan_cell` parses one cell (IPython magics and shell lines are findings of their
own) and returns findings ``(kind, detail)``. The kinds are those a graded notebook has
no use for: touching the environment, the course's checkers, patching modules or
builtins, installing exception, signal or trace handlers, the IPython shell, ending the
process, reading files, running generated code, and using ``lrsched``'s implementation
of what an exercise asks the student to write.
"""

from __future__ import annotations

import ast
import re

#: Exercises (grade_id prefixes of answer cells) that must be written without lrsched.
OWN_CODE_ONLY = ("ex2_", "ex3_run_sgd", "ex1_", "q4_")

_ENV = {"environ", "putenv", "unsetenv", "getenv", "environb"}
_GRADING = {
    "exercises", "Feedback", "reveal_text", "reveal_button", "reference_cells",
    "find_reference", "_graded", "_finish", "_run", "_call",
}  # fmt: skip
_HANDLERS = {
    "set_custom_exc", "excepthook", "unraisablehook", "settrace", "setprofile",
    "input_transformers_cleanup", "input_transformers_post", "ast_transformers",
    "register_magic_function", "addaudithook", "set_trace", "displayhook",
}  # fmt: skip
_HANDLER_MODULES = {"signal", "atexit", "faulthandler", "threading", "_thread", "ctypes", "gc"}
_EXIT = {("sys", "exit"), ("os", "_exit"), ("os", "kill"), ("os", "abort"), ("os", "killpg")}
_FILES = {
    "open", "read_text", "read_bytes", "write_text", "write_bytes", "listdir", "scandir",
    "walk", "glob", "iglob", "rglob", "load", "loads", "read", "system", "popen", "Popen",
    "run", "check_output", "urlopen",
}  # fmt: skip
_FILE_MODULES = {
    "pathlib", "glob", "json", "nbformat", "subprocess", "shutil", "io", "urllib",
    "requests", "socket", "pickle", "tempfile", "fileinput",
}  # fmt: skip
_DYNAMIC = {"exec", "eval", "compile", "__import__", "vars", "globals", "locals", "breakpoint"}
_DYNAMIC_MODULES = {"importlib", "builtins", "inspect", "types", "codecs", "base64", "marshal"}
_MODULE_ROOTS = {"np", "numpy", "ls", "lrsched", "math", "sys", "os", "plt", "matplotlib"}


def _root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _magics(source: str) -> tuple[str, list[str]]:
    """Source with IPython escapes blanked, and the escapes found."""
    found, lines = [], []
    for line in source.split("\n"):
        s = line.lstrip()
        if s.startswith(("%", "!")) or re.match(r"^\w+\s*=\s*[!%]", s):
            found.append(s[:80])
            lines.append("")
        else:
            lines.append(line)
    return "\n".join(lines), found


class _Finder(ast.NodeVisitor):
    def __init__(self, modules: set[str], library_names: set[str], own_code_only: bool):
        self.found: list[tuple[str, str]] = []
        self.modules = modules | _MODULE_ROOTS
        self.library_names = library_names
        self.own_code_only = own_code_only

    def add(self, kind: str, detail: str) -> None:
        if (kind, detail) not in self.found:
            self.found.append((kind, detail))

    # names and attributes -------------------------------------------------------------
    def visit_Name(self, node: ast.Name) -> None:
        n = node.id
        if n in _ENV:
            self.add("environment", n)
        elif n in _GRADING or n.startswith("check_"):
            self.add("grading code", n)
        elif n in _HANDLERS or n == "get_ipython":
            self.add("handlers / shell", n)
        elif n in _DYNAMIC or n in ("__builtins__", "setattr", "delattr"):
            self.add("dynamic code / patching", n)
        elif n in ("open", "input"):
            self.add("files / processes", n)
        elif n in ("exit", "quit") and isinstance(getattr(node, "parent", None), ast.Call):
            self.add("ends the process", n)
        elif self.own_code_only and n in self.library_names:
            self.add("lrsched's implementation", n)
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        a, root = node.attr, _root(node)
        if a in _ENV:
            self.add("environment", _dotted(node))
        elif a in _GRADING or a.startswith("check_"):
            self.add("grading code", _dotted(node))
        elif a in _HANDLERS or root in _HANDLER_MODULES:
            self.add("handlers / shell", _dotted(node))
        elif (root, a) in _EXIT:
            self.add("ends the process", _dotted(node))
        elif a in ("modules", "__dict__", "__class__", "__code__", "__globals__", "__closure__"):
            self.add("dynamic code / patching", _dotted(node))
        elif root in _FILE_MODULES or (a in _FILES and root not in ("np", "numpy", "rng")):
            self.add("files / processes", _dotted(node))
        elif root in _DYNAMIC_MODULES:
            self.add("dynamic code / patching", _dotted(node))
        elif self.own_code_only and root in self.library_names | {"ls", "lrsched"}:
            self.add("lrsched's implementation", _dotted(node))
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            v = node.value
            if "NBGRADER" in v.upper():
                self.add("environment", repr(v[:40]))
            if ".ipynb" in v or "solutions" in v or "source/" in v:
                self.add("files / processes", repr(v[:60]))
            if self.own_code_only and v in self.library_names:
                self.add("lrsched's implementation", repr(v))

    # statements -----------------------------------------------------------------------
    def _targets(self, targets) -> None:
        for t in targets:
            if isinstance(t, (ast.Attribute, ast.Subscript)) and _root(t) in self.modules:
                self.add("dynamic code / patching", f"assigns {_dotted(t) or _root(t)}")
            elif isinstance(t, (ast.Tuple, ast.List)):
                self._targets(t.elts)

    def visit_Assign(self, node: ast.Assign) -> None:
        self._targets(node.targets)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._targets([node.target])
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        self._targets(node.targets)
        self.generic_visit(node)

    def visit_Raise(self, node: ast.Raise) -> None:
        exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        if isinstance(exc, ast.Name) and exc.id in ("SystemExit", "KeyboardInterrupt"):
            self.add("ends the process", f"raise {exc.id}")
        self.generic_visit(node)

    def _import(self, names: list[str], module: str | None) -> None:
        for full in ([module] if module else []) + names:
            top = full.split(".")[0]
            if full.startswith("lrsched.exercises") or full.endswith("exercises"):
                self.add("grading code", f"import {full}")
            elif top in _HANDLER_MODULES:
                self.add("handlers / shell", f"import {full}")
            elif top in _FILE_MODULES:
                self.add("files / processes", f"import {full}")
            elif top in _DYNAMIC_MODULES:
                self.add("dynamic code / patching", f"import {full}")
            elif top == "IPython":
                self.add("handlers / shell", f"import {full}")
        if self.own_code_only and module and module.split(".")[0] == "lrsched":
            self.add("lrsched's implementation", f"from {module} import {', '.join(names)}")

    def visit_Import(self, node: ast.Import) -> None:
        self._import([a.name for a in node.names], None)
        self.modules |= {(a.asname or a.name).split(".")[0] for a in node.names}

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self._import([a.name for a in node.names], node.module)
        self.modules |= {a.asname or a.name for a in node.names}


def scan_cell(
    source: str,
    *,
    grade_id: str | None = None,
    modules: set[str] | frozenset[str] = frozenset(),
    library_names: set[str] | frozenset[str] = frozenset(),
) -> list[tuple[str, str]]:
    """Findings ``(kind, detail)`` for one code cell written by a student.

    ``grade_id`` is the answer cell's nbgrader id (None for a cell the student added);
    ``modules`` the names bound to modules elsewhere in the notebook (``np``, ``ls``);
    ``library_names`` the public names of ``lrsched``, flagged in answers to exercises
    that ask for the student's own code (:data:`OWN_CODE_ONLY`) and in added cells.
    """
    code, magics = _magics(source)
    own = grade_id is None or grade_id.startswith(OWN_CODE_ONLY)
    finder = _Finder(set(modules), set(library_names), own)
    finder.found += [("handlers / shell", f"IPython escape {m}") for m in magics]
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        return [*finder.found, ("unparsable", f"line {exc.lineno}: {exc.msg}")]
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            child.parent = node  # type: ignore[attr-defined]
    finder.visit(tree)
    return finder.found
