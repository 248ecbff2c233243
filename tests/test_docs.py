"""The README and docs/ as a new user reads them: the Quickstart is what CI runs, the terminal's
marks are explained, and every link leads somewhere."""

from __future__ import annotations

import re
from pathlib import Path

from tests.paths import ROOT
from tests.test_cli import LOOSE, run_bot

README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]


def section(title: str) -> str:
    """The README's section under `## title`, up to the next one."""
    text = README.read_text(encoding="utf-8")
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_quickstart_commands_are_the_ones_ci_runs() -> None:
    commands = re.findall(r"```bash\n(.+?)\n```", section("Quickstart"))
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    install_and_ask = next(line for line in ci if "bot ask" in line)
    assert commands[0] == f"python3 -m venv .venv && {install_and_ask}"
    assert commands[1] in ci


def test_the_readme_explains_every_mark_the_terminal_prints() -> None:
    questions = [
        "Berapa kontribusi AI terhadap PDB Rusia?",  # a direct answer, quotes, a citation
        *LOOSE,  # found with little to spare
        "Resep kue bolu",  # not in the article
        "makasih",  # not a question
        "Apa hambatan terbesar ambisi AI Rusia?",
        "kenapa itu jadi masalah?",  # a follow-up
    ]
    result = run_bot("ask", "--conversation", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    marks = {"[ ]"} if re.search(r"\[[^\]]+\]", result.stdout) else set()
    for line in result.stdout.splitlines():
        mark = line.strip().split(" ", 1)[0]
        if mark and mark != "•":  # a line's first word is its mark; "•" lists the examples
            marks.add("1." if re.fullmatch(r"\d+\.", mark) else mark)
    assert {"?", "=", "~", "✗", "💬", "1.", "—", "(tentang:", "[ ]"} <= marks
    explained = section("Asking from the terminal")
    table = {row.split("|")[1].strip() for row in explained.splitlines() if row.startswith("| `")}
    for mark in marks:
        assert any(mark in cell for cell in table), f"the README does not explain {mark!r}"


def test_every_link_in_the_readme_and_docs_leads_to_a_file_and_heading() -> None:
    for page in PAGES:
        for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://")):
                continue
            file, _, anchor = target.partition("#")
            destination = (page.parent / file) if file else page
            assert destination.is_file(), f"{page.name}: {target}"
            if anchor:
                assert anchor in headings(destination), f"{page.name}: {target}"


def headings(page: Path) -> set[str]:
    """The anchors of a Markdown page's headings, as GitHub makes them."""
    anchors, fenced = set(), False
    for line in page.read_text(encoding="utf-8").splitlines():
        fenced = fenced != line.startswith("```")
        if not fenced and line.startswith("#"):
            words = re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower())
            anchors.add(words.replace(" ", "-"))
    return anchors
