"""Plain-language checks for lesson text: the Flesch–Kincaid grade level.

Pure Python and free of Django, so authors can run it on a lesson file:
``python -m courses.readability path/to/lesson.md``.
"""

import re
import sys
from pathlib import Path

_FRONT_MATTER = re.compile(r"\A\+\+\+\n.*?\n\+\+\+\n", re.DOTALL)
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_MARKS = re.compile(r"[#*_`>|]+")
_WORD = re.compile(r"[A-Za-zÀ-ÿāēīōūĀĒĪŌŪ]+(?:['’][A-Za-z]+)*")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n\s*\n|\n\s*[-*]\s|\n\s*\d+\.\s|:\n")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def count_syllables(word: str) -> int:
    """Estimate the syllables in one English word (at least one)."""
    word = word.lower().replace("’", "'").split("'")[0]
    if len(word) <= 3:
        return 1
    # A final silent "e" ("make", "online") does not make a syllable; "-le" after a consonant does.
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")):
        word = word[:-1]
    elif word.endswith(("es", "ed")) and not word.endswith(
        ("tes", "des", "ted", "ded", "ses", "zes", "ces", "ges", "xes")
    ):
        word = word[:-2]
    return max(1, len(_VOWEL_GROUPS.findall(word)))


def plain_text(markdown: str) -> str:
    """Strip front matter, link targets and Markdown marks, keeping the words."""
    text = _FRONT_MATTER.sub("", markdown)
    text = _MARKDOWN_LINK.sub(r"\1", text)
    return _MARKDOWN_MARKS.sub(" ", text)


def grade_level(text: str) -> float:
    """The Flesch–Kincaid grade level of plain text (0.0 for text without words)."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    # Headings, list items and paragraphs end a sentence even without a full stop.
    sentences = max(1, len([part for part in _SENTENCE_END.split(text) if _WORD.search(part)]))
    syllables = sum(count_syllables(word) for word in words)
    return 0.39 * len(words) / sentences + 11.8 * syllables / len(words) - 15.59


def word_count(text: str) -> int:
    """The number of words in plain text."""
    return len(_WORD.findall(text))


def main(paths: list[str]) -> int:
    """Print the grade and word count of each file; exit 1 if any is above grade 8."""
    worst = 0.0
    for path in paths:
        text = plain_text(Path(path).read_text(encoding="utf-8"))
        grade = grade_level(text)
        worst = max(worst, grade)
        print(f"{grade:5.1f}  {word_count(text):4d} words  {path}")
    return 1 if worst > 8 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
