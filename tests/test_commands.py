"""The build commands (`make course`, `make release`, `make html`, `make clean`) on a copy
of the repository: they keep people's work, ship no solution, and work end to end.

Every test runs the real ``make`` target (or a tool's function) in a copy of the
repository's sources under ``tmp_path``, never in this work tree. The copy gets a stand-in
``.venv/bin/python`` that runs this interpreter, so ``make`` uses the project's
environment without reinstalling it, and ``PYTHONPATH`` points at the copy, so the
kernels import the copy's ``lrsched``. Execution is limited to chapter 5 (``ONLY=06_sgdr``,
the smallest chapter with an explorer).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import build_course  # noqa: E402
import build_html  # noqa: E402
import no_leak  # noqa: E402
import safe_write  # noqa: E402

SOURCES = ("Makefile", "pyproject.toml", "README.md", "LICENSE", "lrsched", "notebooks",
           "solutions", "tools")  # fmt: skip
CHAPTER = "06_sgdr.ipynb"  # the smallest chapter with an explorer
SENTENCE = "Restarts trade a little progress for a fresh look at the landscape."
MAKE_TIMEOUT = 600  # seconds: a stuck command fails the test instead of hanging it
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


# ----------------------------------------------------------------------------- helpers


def copy_repo(dest: Path) -> Path:
    """Copy the repository's sources to ``dest/repo``, with a stand-in virtualenv for
    ``make``; return the copy."""
    target = dest / "repo"
    target.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", ".backup")
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, target / name, ignore=ignore)
        else:
            shutil.copy2(src, target / name)
    python = target / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    python.chmod(0o755)
    (target / ".venv" / ".install-stamp").touch()  # newer than pyproject.toml: no reinstall
    return target


@pytest.fixture
def repo(tmp_path) -> Path:
    return copy_repo(tmp_path)


def make(repo: Path, *args: str) -> subprocess.CompletedProcess:
    """Run ``make args`` in ``repo`` (the copy's tools and package, this interpreter)."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env["PYTHONPATH"] = str(repo)
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=MAKE_TIMEOUT,
    )


def said(result: subprocess.CompletedProcess) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def digests(folder: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of every file under ``folder``."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def add_sentence_to_reference(repo: Path) -> None:
    """Add one sentence to a prose cell of the reference edition of chapter 5."""
    path = repo / "solutions" / CHAPTER
    nb = nbformat.read(path, as_version=4)
    prose = [
        c
        for c in nb.cells[1:]
        if c.cell_type == "markdown"
        and "navigation" not in c.metadata.get("tags", [])
        and not c.metadata.get("nbgrader")
    ]
    prose[0].source += "\n\n" + SENTENCE
    nbformat.write(nb, path)


def fill_in_answers(repo: Path) -> bytes:
    """Put the reference solutions (markers removed) into the answer cells of the learner
    edition of chapter 5, as a learner who solved it would; return the file's bytes."""
    reference = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in nbformat.read(repo / "solutions" / CHAPTER, as_version=4).cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    path = repo / "notebooks" / CHAPTER
    nb = nbformat.read(path, as_version=4)
    filled = 0
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and gid in reference:
            cell.source = "\n".join(
                ln for ln in reference[gid].splitlines() if "SOLUTION" not in ln
            )
            filled += 1
    assert filled, "chapter 5 has no answer cell to fill in"
    nbformat.write(nb, path)
    return path.read_bytes()


def secrets_of(repo: Path) -> dict[str, set[str]]:
    secrets = no_leak.secret_lines(repo / "solutions")
    assert secrets[CHAPTER], "chapter 5 has secret lines: the leak checks look at something"
    return secrets


def widget_ids(nb) -> list[str]:
    return [
        o["data"][WIDGET_VIEW]["model_id"]
        for c in nb.cells
        for o in c.get("outputs", [])
        if WIDGET_VIEW in o.get("data", {})
    ]


# ------------------------------------------------- the maintainers' rebuild, end to end


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """A copy where chapter 5's reference edition gained a sentence, then `make course`
    (chapter 5), `make release`, `make html` (chapter 5 executed) ran, in this order."""
    repo = copy_repo(tmp_path_factory.mktemp("rebuilt"))
    add_sentence_to_reference(repo)
    runs = {"course": make(repo, "course", "ONLY=06_sgdr")}
    runs["release"] = make(repo, "release")
    runs["html"] = make(repo, "html", "ONLY=06_sgdr")
    return repo, runs


@pytest.mark.slow
def test_course_re_executes_an_edited_chapter_with_an_explorer(rebuilt):
    repo, runs = rebuilt
    assert runs["course"].returncode == 0, said(runs["course"])
    for edition in ("solutions", "notebooks"):
        nb = nbformat.read(repo / edition / CHAPTER, as_version=4)
        assert SENTENCE in json.dumps(nb.cells), edition
        code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
        assert code and all(c.execution_count is not None for c in code), edition
        errors = [o for c in code for o in c.outputs if o.output_type == "error"]
        assert not errors, (edition, errors)
        state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
        shown = widget_ids(nb)
        assert shown, edition  # the explorer ran and is shown
        assert set(shown) <= set(state), edition  # with its state committed (stable ids: below)
    learner = (repo / "notebooks" / CHAPTER).read_text(encoding="utf-8")
    assert no_leak.find_leaks(learner, secrets_of(repo)) == []


@pytest.mark.slow
def test_course_execution_is_deterministic(rebuilt):
    """Executing chapter 5 again writes the same bytes: no random widget ids."""
    repo, runs = rebuilt
    assert runs["course"].returncode == 0, said(runs["course"])
    before = {e: (repo / e / CHAPTER).read_bytes() for e in ("solutions", "notebooks")}
    again = subprocess.run(
        [str(repo / ".venv/bin/python"), "tools/build_course.py", "--execute", "--all",
         "--only", "06_sgdr"],
        cwd=repo, env={**os.environ, "PYTHONPATH": str(repo)}, capture_output=True, text=True,
        timeout=MAKE_TIMEOUT,
    )  # fmt: skip
    assert again.returncode == 0, said(again)
    assert "executing notebooks/06_sgdr.ipynb" in again.stdout
    for edition, data in before.items():
        assert (repo / edition / CHAPTER).read_bytes() == data, edition


@pytest.mark.slow
def test_release_after_the_edit(rebuilt):
    repo, runs = rebuilt
    assert runs["release"].returncode == 0, said(runs["release"])
    course = repo / "release" / "lrsched-course"
    shipped = nbformat.read(course / "notebooks" / CHAPTER, as_version=4)
    assert SENTENCE in json.dumps(shipped.cells)
    assert all(
        c.execution_count is not None for c in shipped.cells if c.cell_type == "code"
    )  # executed
    assert sorted(p.name for p in (course / "notebooks").iterdir()) == sorted(
        p.name for p in (repo / "notebooks").glob("*.ipynb")
    )
    products = {str(p.relative_to(course)): p.read_bytes() for p in course.rglob("*.*")}
    assert len([n for n in products if n.endswith(".whl")]) == 1
    assert no_leak.check_products(products, secrets_of(repo)) == []
    manifest = json.loads((repo / "release" / ".lrsched-release-manifest.json").read_text())
    assert set(manifest["files"]) == {f"lrsched-course/{n}" for n in products}


@pytest.mark.slow
def test_html_after_the_edit(rebuilt):
    repo, runs = rebuilt
    assert runs["html"].returncode == 0, said(runs["html"])
    page = (repo / "site" / "06_sgdr.html").read_text(encoding="utf-8")
    assert SENTENCE in no_leak.page_text(page)
    # executed with the widget state kept: the explorer is shown as it starts
    assert "explorer, shown as it starts" in page
    assert "raise NotImplementedError" in no_leak.page_text(page)  # the stub, not the answer
    pages = {p.name: p.read_bytes() for p in (repo / "site").glob("*.html")}
    assert len(pages) == len(list((repo / "notebooks").glob("*.ipynb"))) + 1
    assert no_leak.check_products(pages, secrets_of(repo)) == []


# ------------------------------------------------------------------- learners' answers


@pytest.mark.slow
def test_course_keeps_a_learners_answers(repo):
    edited = fill_in_answers(repo)
    before = {"notebooks": digests(repo / "notebooks"), "solutions": digests(repo / "solutions")}

    refused = make(repo, "course", "ONLY=06_sgdr")
    assert refused.returncode != 0, said(refused)
    assert "notebooks/06_sgdr.ipynb (edited: ex2_sgdr)" in refused.stderr
    assert "Nothing was written" in refused.stderr and "FORCE=1" in refused.stderr
    after = {"notebooks": digests(repo / "notebooks"), "solutions": digests(repo / "solutions")}
    assert after == before  # not one byte written

    forced = make(repo, "course", "ONLY=06_sgdr", "FORCE=1")
    assert forced.returncode == 0, said(forced)
    copies = list((repo / "notebooks" / ".backup").glob("06_sgdr.*.ipynb"))
    assert len(copies) == 1 and copies[0].read_bytes() == edited
    assert f"kept a copy of your notebooks/06_sgdr.ipynb (edited answers) in " \
           f"notebooks/.backup/{copies[0].name}" in forced.stdout  # fmt: skip
    rebuilt = nbformat.read(repo / "notebooks" / CHAPTER, as_version=4)
    answers = [c for c in rebuilt.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert answers and all("raise NotImplementedError()" in c.source for c in answers)
    assert build_course.edited_answers(rebuilt, rebuilt) == []

    again = make(repo, "course", "ONLY=06_sgdr")  # stubs again: nothing to protect
    assert again.returncode == 0 and "nothing to rebuild" in again.stdout, said(again)


def test_edited_answers_sees_every_kind_of_answer_cell():
    """Code and written answers: untouched stubs pass, any change is reported."""
    for path in sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")):
        new = build_course.learner_edition(nbformat.read(path, as_version=4))
        assert build_course.edited_answers(new, new) == [], path.name
        answers = [c for c in new.cells if c.metadata.get("nbgrader", {}).get("solution")]
        assert answers, path.name
        for cell in answers:
            mine = copy.deepcopy(new)
            target = next(
                c for c in mine.cells
                if c.metadata.get("nbgrader", {}).get("grade_id")
                == cell.metadata["nbgrader"]["grade_id"]
            )  # fmt: skip
            target.source += "\nmy answer"
            assert build_course.edited_answers(mine, new) == [cell.metadata["nbgrader"]["grade_id"]]


@pytest.mark.slow
def test_release_ships_no_filled_in_solution_and_keeps_added_files(repo):
    edited = fill_in_answers(repo)
    out = repo / "release"
    (out / "lrsched-course").mkdir(parents=True)
    (out / "syllabus.md").write_text("Week 1: chapters 1-3\n", encoding="utf-8")
    (out / "lrsched-course" / "grading.txt").write_text("Pass: 50%\n", encoding="utf-8")

    for _ in range(2):  # a rebuild too
        result = make(repo, "release")
        assert result.returncode == 0, said(result)
        assert (out / "syllabus.md").read_text() == "Week 1: chapters 1-3\n"
        assert (out / "lrsched-course" / "grading.txt").read_text() == "Pass: 50%\n"
    assert (repo / "notebooks" / CHAPTER).read_bytes() == edited  # the learner's copy is kept
    course = out / "lrsched-course"
    shipped = nbformat.read(course / "notebooks" / CHAPTER, as_version=4)
    answers = [c for c in shipped.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert answers and all("raise NotImplementedError()" in c.source for c in answers)
    products = {
        str(p.relative_to(course)): p.read_bytes()
        for p in course.rglob("*")
        if p.is_file() and p.name != "grading.txt"
    }
    assert no_leak.check_products(products, secrets_of(repo)) == []

    # a build product someone changed is not overwritten without FORCE=1 ...
    readme = course / "README.md"
    readme.write_text(readme.read_text() + "\nOffice hours: Tuesdays.\n", encoding="utf-8")
    changed = readme.read_bytes()
    refused = make(repo, "release")
    assert refused.returncode != 0 and "lrsched-course/README.md" in refused.stderr
    assert "executing" not in refused.stdout  # refused before running anything
    assert readme.read_bytes() == changed
    # ... and with it, a copy is kept first
    forced = make(repo, "release", "FORCE=1")
    assert forced.returncode == 0, said(forced)
    (kept,) = (out / ".backup" / "lrsched-course").glob("README.*.md")
    assert kept.read_bytes() == changed


@pytest.mark.slow
def test_html_ships_no_filled_in_solution_and_keeps_added_files(repo):
    edited = fill_in_answers(repo)
    site = repo / "site"
    site.mkdir()
    (site / "about.html").write_text("<p>About this course</p>\n", encoding="utf-8")
    result = make(repo, "html", "ONLY=06_sgdr")
    assert result.returncode == 0, said(result)
    assert "executing 1 notebook(s) in memory: 06_sgdr.ipynb" in result.stdout
    assert (site / "about.html").read_text() == "<p>About this course</p>\n"
    assert (repo / "notebooks" / CHAPTER).read_bytes() == edited
    page = (site / "06_sgdr.html").read_text(encoding="utf-8")
    assert "raise NotImplementedError" in no_leak.page_text(page)
    pages = {p.name: p.read_bytes() for p in site.glob("*.html") if p.name != "about.html"}
    assert no_leak.check_products(pages, secrets_of(repo)) == []


def test_release_and_html_refuse_to_ship_a_solution_line(repo):
    """A solution line pasted into a chapter that is not generated: both commands stop
    before running anything, and write nothing."""
    secrets = secrets_of(repo)
    line = sorted(secrets[CHAPTER])[0]
    path = repo / "notebooks" / "03_cosine_annealing.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell(f"My notes:\n\n    {line}\n"))
    nbformat.write(nb, path)
    for target, folder in (("release", "release"), ("html", "site")):
        result = make(repo, target)
        assert result.returncode != 0, said(result)
        assert "nothing was written" in result.stderr, said(result)
        assert f"a line of {CHAPTER}'s solutions" in result.stderr, said(result)
        assert "executing" not in result.stdout
        assert not (repo / folder).exists()


# ----------------------------------------------------------------------------- clean


@pytest.mark.slow
def test_clean_removes_only_what_the_build_made(repo):
    made = make(repo, "release")
    assert made.returncode == 0, said(made)
    (repo / "release" / "lrsched-course" / "syllabus.md").write_text("mine\n", encoding="utf-8")
    safe_write.OutputFolder(repo / "site", "html").replace(
        {"index.html": b"<p>index</p>\n", "00_index.html": b"<p>pages</p>\n"}, log=str
    )
    mine = {
        "notebooks/.ipynb_checkpoints/06_sgdr-checkpoint.ipynb": "{}\n",
        "notebooks/.backup/06_sgdr.20260101T000000Z.ipynb": "{}\n",
        "notes.txt": "my notes\n",
        "lrsched/.ipynb_checkpoints/x-checkpoint.txt": "x\n",
    }
    for rel, text in mine.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text, encoding="utf-8")
    made_by_tools = ["build/lib/x.py", "dist/x.whl", "lrsched.egg-info/PKG-INFO",
                     ".pytest_cache/v", ".ruff_cache/v", ".hypothesis/v",
                     "lrsched/__pycache__/x.pyc", "tools/__pycache__/y.pyc"]  # fmt: skip
    for rel in made_by_tools:
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_bytes(b"x")

    result = make(repo, "clean")
    assert result.returncode == 0, said(result)
    for rel, text in mine.items():
        assert (repo / rel).read_text(encoding="utf-8") == text, rel
    for rel in [*made_by_tools, ".venv"]:
        assert not (repo / rel).exists(), rel
    assert not (repo / "site").exists()  # nothing but build products in it
    left = sorted(str(p.relative_to(repo / "release")) for p in (repo / "release").rglob("*"))
    assert left == ["lrsched-course", "lrsched-course/syllabus.md"]
    for kept in ("notebooks", "solutions", "lrsched", "tools", "Makefile"):
        assert (repo / kept).exists()


# ------------------------------------------------------------ output folders, leaks


def test_output_folder_replaces_only_its_own_files(tmp_path):
    out = safe_write.OutputFolder(tmp_path / "out", "test")
    out.replace({"a.txt": b"a1", "sub/b.txt": b"b1"}, log=str)
    (tmp_path / "out" / "mine.txt").write_text("mine")
    out.replace({"a.txt": b"a2"}, log=str)  # sub/b.txt no longer made: removed
    assert (tmp_path / "out" / "a.txt").read_bytes() == b"a2"
    assert not (tmp_path / "out" / "sub").exists()
    assert (tmp_path / "out" / "mine.txt").read_text() == "mine"
    with pytest.raises(safe_write.Refused, match=r"mine\.txt \(not made by this build\)"):
        out.replace({"a.txt": b"a3", "mine.txt": b"theirs"}, log=str)
    assert (tmp_path / "out" / "a.txt").read_bytes() == b"a2"  # nothing written
    assert out.replace({"a.txt": b"a3", "mine.txt": b"mine"}, log=str)  # same bytes: fine
    (tmp_path / "out" / "a.txt").write_bytes(b"edited")
    with pytest.raises(safe_write.Refused, match=r"a\.txt \(changed since the last build\)"):
        out.replace({}, log=str)
    out.replace({}, force=True, log=str)
    (kept,) = (tmp_path / "out" / ".backup").glob("a.*.txt")
    assert kept.read_bytes() == b"edited" and not (tmp_path / "out" / "a.txt").exists()
    with pytest.raises(ValueError, match="inside the output folder"):
        out.replace({"../escape.txt": b"x"}, log=str)


def test_clean_keeps_changed_products_and_foreign_files(tmp_path):
    folder = tmp_path / "site"
    safe_write.OutputFolder(folder, "html").replace({"p.html": b"1", "q.html": b"2"}, log=str)
    (folder / "q.html").write_bytes(b"edited")
    left = safe_write.clean(folder, log=str)
    assert left == [folder / "q.html"] and not (folder / "p.html").exists()
    safe_write.OutputFolder(folder, "html").replace({"p.html": b"1"}, force=True, log=str)
    assert safe_write.clean(folder, log=str) == [folder / "q.html"]
    (folder / "q.html").unlink()
    assert safe_write.clean(folder, log=str) == [] and not folder.exists()


def test_no_leak_finds_highlighted_code_in_a_page():
    line = "since_restart = t - cycle_start"
    page = (
        '<div class="highlight"><pre><span class="n">since_restart</span> '
        '<span class="o">=</span> <span class="n">t</span> <span class="o">-</span> '
        '<span class="n">cycle_start</span></pre></div>'
    )
    assert line not in page
    found = no_leak.check_products({"05.html": page.encode()}, {CHAPTER: {line}})
    assert found == [f"05.html (text): a line of {CHAPTER}'s solutions: {line!r}"]
    nb = json.dumps({"cells": [{"source": [f"    {line}\n", "x = 1"]}]})
    assert no_leak.check_products({"n.ipynb": nb.encode()}, {CHAPTER: {line}})


# ---------------------------------------------------------------- running notebooks


def _notebook(*sources: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = dict(build_course.KERNELSPEC)
    return nb


def test_a_cell_that_runs_too_long_fails_loudly(tmp_path):
    nb = _notebook("x = 1", "import time\ntime.sleep(120)")
    start = time.monotonic()
    with pytest.raises(build_course.NotebookRunError, match=r"cell 1 timed out: the cell ran "
                       r"longer than its 2 s limit"):  # fmt: skip
        build_course.execute_notebook(nb, tmp_path, name="slow.ipynb", cell_timeout=2)
    assert time.monotonic() - start < 60  # raised, instead of waiting for the cell


def test_a_notebook_that_runs_too_long_fails_loudly(tmp_path):
    nb = _notebook(*["import time\ntime.sleep(1.5)"] * 6)
    with pytest.raises(build_course.NotebookRunError, match="whole notebook"):
        build_course.execute_notebook(nb, tmp_path, name="long.ipynb", cell_timeout=30,
                                      run_timeout=3)  # fmt: skip


def test_html_stops_on_a_time_limit_in_parallel_runs_and_writes_nothing(tmp_path):
    src = tmp_path / "notebooks"
    src.mkdir()
    for name in ("00_index.ipynb", "01_a.ipynb"):
        nbformat.write(_notebook("import time\ntime.sleep(120)"), src / name)
    out = tmp_path / "site"
    code = build_html.main(["--out", str(out), "--notebooks", str(src), "--cell-timeout", "2"])
    assert code == 1 and not out.exists()


def test_output_widgets_are_captured_without_messages_to_the_kernel(tmp_path, monkeypatch):
    """Output captured by an ipywidgets.Output lands in the widget state (the site shows
    explorers from it), and nothing but the cells goes to the kernel's shell socket:
    nbclient's Output stand-in used to send each new state there, which could leave the
    client asleep until the cell's time limit (and crashed without stored state)."""
    from jupyter_client.channels import ZMQSocketChannel

    sent = []
    send = ZMQSocketChannel.send

    def record(self, msg):
        sent.append(msg["header"]["msg_type"])
        return send(self, msg)

    monkeypatch.setattr(ZMQSocketChannel, "send", record)
    nb = _notebook(
        "import ipywidgets as W\nfrom IPython.display import display\n"
        "out = W.Output()\ndisplay(out)\n"
        "with out:\n    print('inside the widget')\n    out.clear_output(wait=True)\n"
        "    print('drawn again')"
    )
    done = build_course.execute_notebook(nb, tmp_path, name="w.ipynb")
    state = done.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    (model_id,) = widget_ids(done)
    assert build_html.widget_outputs(state, model_id) == [
        {"output_type": "stream", "name": "stdout", "text": "drawn again\n"}
    ]
    assert set(sent) == {"kernel_info_request", "execute_request"}, sent
