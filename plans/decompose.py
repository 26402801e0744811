"""Proposing a plan's task tree from its text (从文本分解任务).

Pure: no ORM. ``decompose`` reads the numbered headings of a work plan — 一、 （一） 1.
(1) ①, in full- or half-width forms, indented or not — and returns an ``Outline``: the
nested items with their number as printed, title, requirement, the departments and
deadline hints their text names, and the preamble before the first heading (a cover
notice, the plan's title, its 根据…特制定本方案 sentence).

Levels come from the order the numbering styles appear in, not from a fixed table: a
style already open in the current branch starts a sibling there (closing what is below
it), a style not in the branch opens a level under the current item. So a document that
starts at （一） nests 1. under it, and one that uses 1. directly under 一、 does too.

A heading line "（一）加强组织领导。高度重视……" is an item whose title is the text up to
the first full stop and whose requirement is the rest; lines without a number continue
the item above them (they append to its requirement). Nothing of the numbered part is
dropped: ``OutlineItem.printed`` gives back each item's text.

The supervisor corrects the proposal before it is saved (``plans.outline``); the fields
``lead``, ``cooperating``, ``due_on``, ``frequency`` and ``weight`` are what gets saved and
start as the recognised values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from plans.deadline_hints import DeadlineHint, deadline_hint
from plans.department_names import DepartmentMatch, KnownOrganization, recognise_departments

# plans.models.Task.title's max_length (a test checks they agree); a longer first
# sentence is cut there and the rest goes to the requirement.
TITLE_MAX_CHARS = 200

_CN = "一二三四五六七八九十百零〇两"
_DIGITS = "0-9０-９"
# Each numbering style: its key and the number's pattern at the start of a line. An
# Arabic number is one to three digits not followed by another digit, so "2019年" and
# "6.5亿元" are text, not numbers.
STYLES: tuple[tuple[str, re.Pattern], ...] = (
    ("chinese", re.compile(rf"[{_CN}]+[ \t]*[、.．](?![{_DIGITS}])")),
    ("chinese_bracketed", re.compile(rf"[（(][ \t]*[{_CN}]+[ \t]*[）)][、]?")),
    ("arabic", re.compile(rf"[{_DIGITS}]{{1,3}}[ \t]*[、.．](?![{_DIGITS}])")),
    ("arabic_bracketed", re.compile(rf"[（(][ \t]*[{_DIGITS}]{{1,3}}[ \t]*[）)][、]?")),
    ("circled", re.compile(r"[\u2460-\u2473\u3251-\u325f\u32b1-\u32bf]")),
)
# Sentence ends that close a title: "加强组织领导。高度重视……" → "加强组织领导".
_TITLE_END = re.compile(r"[。！？；：!?;]")
# str.strip() leaves the byte-order mark and zero-width spaces some editors put in.
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"


@dataclass
class OutlineItem:
    """One numbered item. ``title_end`` is the punctuation that closed the title (kept so
    that ``printed`` gives back the text); ``departments`` and ``deadline`` are what the
    text names, ``lead`` … ``weight`` what will be saved."""

    level: int
    number: str = ""
    title: str = ""
    requirement: str = ""
    title_end: str = ""
    style: str = ""
    departments: list[DepartmentMatch] = field(default_factory=list)
    deadline: DeadlineHint = field(default_factory=DeadlineHint)
    lead: str = ""
    cooperating: tuple[str, ...] = ()
    due_on: date | None = None
    frequency: str = ""
    weight: int = 1
    children: list[OutlineItem] = field(default_factory=list)

    @property
    def printed(self) -> str:
        """The item's own text as it stood (number, title, requirement)."""
        return f"{self.number}{self.title}{self.title_end}{self.requirement}"

    @property
    def unmatched_departments(self) -> list[str]:
        return [match.phrase for match in self.departments if not match.is_matched]

    def _set_heading(self, text: str) -> None:
        end = _TITLE_END.search(text)
        if end and end.start() <= TITLE_MAX_CHARS:
            self.title, self.title_end = text[: end.start()], end.group(0)
            self.requirement = text[end.end() :].strip()
        else:
            self.title, self.requirement = text[:TITLE_MAX_CHARS], text[TITLE_MAX_CHARS:]

    def _continue(self, line: str) -> None:
        if not self.title and not self.title_end:
            self._set_heading(line)  # the number stood alone on its line
        elif self.requirement:
            self.requirement += "\n" + line
        else:
            self.requirement = line


@dataclass
class Outline:
    """The proposed tree: top-level items (their children nested) and the preamble."""

    items: list[OutlineItem] = field(default_factory=list)
    preamble: str = ""

    def __iter__(self) -> Iterator[OutlineItem]:
        """Every item, depth first in document order."""

        def walk(items):
            for item in items:
                yield item
                yield from walk(item.children)

        return walk(self.items)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def numbered(line: str) -> tuple[str, str, str] | None:
    """(style, number as printed, rest of the line) when ``line`` starts with a number."""
    for style, pattern in STYLES:
        match = pattern.match(line)
        if match:
            return style, match.group(0), line[match.end() :].strip()
    return None


def _clean(line: str) -> str:
    return line.strip().strip(_INVISIBLE).strip()


def decompose(
    text: str,
    *,
    year: int | None = None,
    organizations: Sequence[KnownOrganization] = (),
) -> Outline:
    """The task tree ``text`` numbers, with departments matched against ``organizations``
    and due dates computed for ``year`` (see the module docstring for the rules). Text
    without any numbered line gives an empty outline whose preamble is all of it."""
    outline = Outline()
    preamble: list[str] = []
    branch: list[OutlineItem] = []  # the open items, outermost first
    for raw in text.splitlines():
        line = _clean(raw)
        if not line:
            continue
        found = numbered(line)
        if found is None:
            if branch:
                branch[-1]._continue(line)
            else:
                preamble.append(line)
            continue
        style, number, rest = found
        depth = next((i for i, item in enumerate(branch) if item.style == style), len(branch))
        del branch[depth:]
        item = OutlineItem(level=depth + 1, number=number, style=style)
        item._set_heading(rest)
        (branch[-1].children if branch else outline.items).append(item)
        branch.append(item)
    outline.preamble = "\n".join(preamble)
    for item in outline:
        _recognise(item, year=year, organizations=organizations)
    return outline


def _recognise(item: OutlineItem, *, year, organizations) -> None:
    """Fill the item's recognised departments and timing, and propose them for saving:
    the first department named leads, the others cooperate."""
    own_text = f"{item.title}{item.title_end}{item.requirement}"
    item.departments = recognise_departments(own_text, organizations)
    item.deadline = deadline_hint(own_text, year=year)
    names = [match.name for match in item.departments if match.is_matched]
    item.lead = names[0] if names else ""
    item.cooperating = tuple(names[1:])
    item.due_on = item.deadline.due_on
    item.frequency = item.deadline.frequency


def nest(rows: Iterable[OutlineItem]) -> list[OutlineItem]:
    """Top-level items rebuilt from a flat list in document order, each row's ``level``
    saying how deep it sits (the form's rows). A level deeper than one below its
    predecessor is taken as one below it, so a dropped parent never loses its children;
    levels are rewritten to the depth each item ends up at."""
    top: list[OutlineItem] = []
    branch: list[OutlineItem] = []
    for item in rows:
        item.children = []
        depth = max(0, min(item.level - 1, len(branch)))
        del branch[depth:]
        item.level = depth + 1
        (branch[-1].children if branch else top).append(item)
        branch.append(item)
    return top
