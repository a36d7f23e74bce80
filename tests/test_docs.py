"""The README stays a README, and the manual's links and names stay true.

- README.md is at most 12 KB and starts with the two set-up commands (CI and newcomers read its first lines);
- every relative link in README.md, docs/*.md and bench/README.md reaches an existing file, and its ``#anchor``
  a heading of that file (GitHub's anchor rules);
- every repository path and every module of ours named in backticks exists, so a moved module shows up here
  instead of in a reader's failed search.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MANUAL = [README, *sorted((ROOT / "docs").glob("*.md")), ROOT / "bench" / "README.md"]
#: The README's size cap, in bytes; what does not fit goes to docs/.
README_MAX_BYTES = 12 * 1024
#: How many lines from the top the two set-up commands must appear within.
FIRST_LINES = 6
PACKAGES = ("core", "crawler", "extractors", "warehouse", "positions", "flows", "claimtrack", "evals")
TOP_FOLDERS = (*PACKAGES, "seeds", "tests", "bench", "tools", "docs")
#: What runs write (ignored by git): named in the manual, absent from a fresh checkout.
GENERATED = ("bench/out/", "bench/results")

_FENCE = re.compile(r"^\s*```")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_REPO_PATH = re.compile(rf"^(?:{'|'.join(TOP_FOLDERS)})/[\w./-]*$")
_MODULE = re.compile(rf"^(?:{'|'.join(PACKAGES)})(?:\.[A-Za-z_]\w*)+$")


def prose_lines(path: Path) -> list[str]:
    """The file's lines outside fenced code blocks (a ``# comment`` in a bash block is not a heading)."""
    lines, fenced = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: markup dropped, lower case, punctuation removed, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "").replace("*", "")
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found: set[str] = set()
    seen: Counter[str] = Counter()
    for line in prose_lines(path):
        match = _HEADING.match(line)
        if match:
            base = slug(match.group(2))
            found.add(base if seen[base] == 0 else f"{base}-{seen[base]}")
            seen[base] += 1
    return found


def relative_links(path: Path) -> list[str]:
    text = "\n".join(_CODE_SPAN.sub("", line) for line in prose_lines(path))
    return [target for target in _LINK.findall(text) if not re.match(r"^[a-z]+:", target)]


def code_spans(path: Path) -> set[str]:
    return {span for line in prose_lines(path) for span in _CODE_SPAN.findall(line)}


def module_exists(dotted: str) -> bool:
    """``a.b.c``: a module or package of the repository, or a name defined at the top of the longest such prefix."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        base = ROOT.joinpath(*parts[:cut])
        for file in (base.with_suffix(".py"), base / "__init__.py"):
            if file.is_file():
                rest = parts[cut:]
                return not rest or (len(rest) == 1 and rest[0] in top_level_names(file))
    return False


def top_level_names(file: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(file.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def test_readme_is_short_and_starts_with_the_two_commands() -> None:
    size = len(README.read_bytes())
    assert size <= README_MAX_BYTES, f"README.md is {size} bytes (at most {README_MAX_BYTES}): move detail to docs/"
    top = README.read_text(encoding="utf-8").splitlines()[:FIRST_LINES]
    for command in ("make run", "make test"):
        assert any(line.startswith(command) for line in top), f"`{command}` must open README.md (first lines)"


@pytest.mark.parametrize("page", MANUAL, ids=[str(p.relative_to(ROOT)) for p in MANUAL])
def test_relative_links_resolve(page: Path) -> None:
    broken = []
    for target in relative_links(page):
        file_part, _, anchor = target.partition("#")
        file = (page.parent / file_part).resolve() if file_part else page
        if not file.exists():
            broken.append(f"{target}: no file {file}")
        elif anchor and anchor not in anchors(file):
            broken.append(f"{target}: no heading with anchor #{anchor} in {file.relative_to(ROOT)}")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("page", MANUAL, ids=[str(p.relative_to(ROOT)) for p in MANUAL])
def test_named_paths_and_modules_exist(page: Path) -> None:
    spans = code_spans(page)
    missing = [s for s in spans if _REPO_PATH.match(s) and not s.startswith(GENERATED) and not (ROOT / s).exists()]
    missing += [s for s in spans if _MODULE.match(s) and not module_exists(s)]
    assert not missing, f"{page.relative_to(ROOT)} names what the repository does not have: {sorted(missing)}"


def test_readme_layout_names_real_modules() -> None:
    """Each bare module name (lower case) in a package's row of the layout table is a module or package there."""
    missing = []
    for line in prose_lines(README):
        row = re.match(r"^\| `(\w+)/` \| (.*?) \|", line)
        if row is None or row.group(1) not in PACKAGES:
            continue
        folder = ROOT / row.group(1)
        for name in re.findall(r"`([a-z_][a-z0-9_]*)/?`", row.group(2)):
            if not ((folder / f"{name}.py").is_file() or (folder / name).is_dir() or any(folder.glob(f"*/{name}.py"))):
                missing.append(f"{row.group(1)}/{name}")
    assert not missing, f"README layout names modules that do not exist: {missing}"
