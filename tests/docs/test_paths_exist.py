"""Docs and docstrings point to files that exist.

A moved module leaves sentences behind that send the next maintainer to a file that is gone
(docs/TEAMWORK.md named ``collaboration/models.py`` long after it became a package). This walks
the documentation and every source module, template and script of the project, finds each
repository path it names and fails on the ones that do not exist, naming file and line.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A repository path: starts at a top-level folder, ends in a file name with an extension. A
# path that continues another (``../shared/docs/x.md``, ``foo/portal/x.py``) is not ours.
PATH = re.compile(
    r"(?<![\w./-])((?:portal|content|collaboration|tests|bench|docs|templates|static|frontend"
    r"|docker|locale)/[\w./-]*\w\.(?:py|md|html|js|mjs|css|txt|json|ya?ml|toml|po|sh))"
)
SOURCES = ("portal", "content", "collaboration", "bench", "templates", "frontend/src", "docker")
SUFFIXES = {".py", ".html", ".js", ".mjs", ".md", ".sh", ".conf"}


def _files() -> list[Path]:
    files = [*ROOT.glob("docs/*.md"), ROOT / "README.md"]
    for top in SOURCES:
        files += [
            path
            for path in (ROOT / top).rglob("*")
            if path.suffix in SUFFIXES and not {"migrations", "node_modules"} & set(path.parts)
        ]
    return files


def _exists(named: str) -> bool:
    """A path from the repository root, or a template / static name as Django finds it."""
    if (ROOT / named).exists() or (ROOT / "templates" / named).exists():
        return True
    if (ROOT / "static" / named).exists():
        return True
    return any(ROOT.glob(f"*/templates/{named}")) or any(ROOT.glob(f"*/*/templates/{named}"))


def missing_paths(files: list[Path]) -> list[str]:
    missing = []
    for file in files:
        for number, line in enumerate(file.read_text(errors="ignore").splitlines(), 1):
            for match in PATH.finditer(line):
                named = match.group(1)
                if not any(mark in named for mark in "*<{") and not _exists(named):
                    where = file.relative_to(ROOT) if file.is_relative_to(ROOT) else file.name
                    missing.append(f"{where}:{number}: {named}")
    return missing


def test_every_path_named_in_docs_and_code_exists() -> None:
    files = _files()
    assert len(files) > 300, "the walk found too few files to mean anything"
    assert missing_paths(files) == []


def test_the_walk_finds_a_path_that_is_gone(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("See `collaboration/models.py` and `collaboration/access.py`.\n")
    assert missing_paths([doc]) == ["doc.md:1: collaboration/models.py"]
