"""Where things are, for the tests and the benchmarks."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
DEV_QUESTIONS = SHARED / "eval" / "dev_questions.json"
EXTRA_QUESTIONS = Path(__file__).parent / "data" / "article_questions.json"


def corpus_with(folder: Path, **files: str) -> Path:
    """A corpus folder `folder/corpus` holding the given files (name=text)."""
    corpus = folder / "corpus"
    corpus.mkdir()
    for name, text in files.items():
        (corpus / name.replace("_", ".")).write_text(text, encoding="utf-8")
    return corpus
