"""Departments named in a task's text (责任处室), matched to the organizations the caller
knows.

Pure: no ORM; the caller passes the organizations (``KnownOrganization``). A plan names
its departments the way its readers say them, not by their registered names: seed 000
writes "执法监督处(政策法规处)" for 重庆市民政局执法监督处（政策法规处）, "局办公室" for
重庆市民政局办公室 and "市民政局区划地名处" for 重庆市民政局区划地名处. So every
organization is looked for under several spellings: its full name, its short name, its
name without the parent's name in front, that rest behind the parent's short name or
behind the parent's last character (局办公室, 部办公厅), and each without its bracketed
second name. Brackets, width and script are folded first (portal.search.textsearch).

A phrase that looks like a department (…处, …室, …中心, …科) but matches no organization is
kept as an unmatched suggestion, so the supervisor sees it and picks or creates one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from portal.search.textsearch import normalise


@dataclass(frozen=True)
class KnownOrganization:
    """An organization as the caller knows it; ``parent_names`` are the full and short
    names of its parent (the prefix the text leaves out)."""

    name: str
    short_name: str = ""
    parent_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class DepartmentMatch:
    """A department named in the text: the phrase as printed and the full name of the
    organization it matched, or "" for an unmatched suggestion."""

    phrase: str
    name: str = ""

    @property
    def is_matched(self) -> bool:
        return bool(self.name)


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# A department's name starts after one of these: punctuation, or a word that introduces
# who acts ("由局办公室", "经执法监督处", "交宣传信息处", "报送市政府公报室").
_BOUNDARY = set(
    "的经交由和与及向在将对把被于为从按并等或同请送至即自给让、，,。；;：:()“”‘’《》\"' "
)
_SUFFIX = re.compile(r"中心|处|室|科")
_ALIAS = re.compile(r"\(([^()]{2,20})\)")
MAX_NAME_CHARS = 16
# What follows the suffix when it is part of another word: 处理, 处罚, 处室, 室内, 科学,
# 中心工作 ("围绕中心工作" names no department).
_NOT_AFTER = {
    "处": tuple("理罚置分于在境事级室"),
    "室": tuple("内外"),
    "科": tuple("学技普研室员"),
    "中心": ("工作", "任务", "环节", "城", "思想", "地位"),
}
# Words ending like a department that name none: rooms, places, and the generic 处室.
_NOT_DEPARTMENTS = re.compile(
    r"(处室|科室|之处|到处|各处|此处|好处|用处|益处|难处|住处|出处|长处|短处|相处|共处|"
    r"聚集处|会议室|阅览室|查阅室|教室)$"
)


def _spellings(organization: KnownOrganization) -> dict[str, bool]:
    """Each folded spelling of ``organization`` → whether it stands on its own (a full
    name is unambiguous anywhere; a bare rest such as 办公室 needs a boundary before it)."""
    full = normalise(organization.name)
    spellings = {full: True}
    if organization.short_name:
        spellings.setdefault(normalise(organization.short_name), False)
    parents = [name for name in map(normalise, organization.parent_names) if name]
    for parent in parents:
        if full.startswith(parent) and len(full) > len(parent):
            rest = full[len(parent) :]
            for spelling in (rest, parent[-1] + rest):
                spellings.setdefault(spelling, False)
            for other in parents:
                spellings.setdefault(other + rest, True)
    for spelling, alone in list(spellings.items()):
        stripped = _ALIAS.sub("", spelling)
        if stripped != spelling and len(stripped) >= 3:
            spellings.setdefault(stripped, alone)
    return {s: alone for s, alone in spellings.items() if len(s) >= 3}


def _at_boundary(text: str, start: int) -> bool:
    return start == 0 or text[start - 1] in _BOUNDARY or not _CJK.match(text[start - 1])


def _printed(text: str, folded: str, start: int, end: int) -> str:
    """The phrase as printed when folding kept every position, else its folded form."""
    return text[start:end] if len(text) == len(folded) else folded[start:end]


def _suggestions(folded: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, end) of department-looking phrases outside the matched spans: a suffix,
    an optional bracketed second name, and the run of characters back to a boundary."""
    found = []
    for match in _SUFFIX.finditer(folded):
        end = match.end()
        if folded[end : end + 2].startswith(_NOT_AFTER[match.group(0)]):
            continue
        alias = re.match(r"\([^()]{2,20}(?:中心|处|室|科)\)", folded[end:])
        if alias:
            end += alias.end()
        start = match.start()
        while start > 0 and _CJK.match(folded[start - 1]) and folded[start - 1] not in _BOUNDARY:
            start -= 1
        if (
            match.start() - start < 2
            or end - start > MAX_NAME_CHARS
            or _NOT_DEPARTMENTS.search(folded[start : match.end()])
            or any(s < end and start < e for s, e in taken)
        ):
            continue
        found.append((start, end))
        taken.append((start, end))
    return found


def recognise_departments(
    text: str, organizations: Iterable[KnownOrganization]
) -> list[DepartmentMatch]:
    """The departments ``text`` names, in the order it names them, each once: the known
    organizations first matched (longest spelling first, so 市民政局区划地名处 is taken
    whole), then unmatched department-looking phrases as suggestions."""
    folded = normalise(text)
    candidates = sorted(
        (
            (spelling, alone, organization.name)
            for organization in organizations
            for spelling, alone in _spellings(organization).items()
        ),
        # Longest first; at equal length a full name before another body's short name.
        key=lambda row: (-len(row[0]), not row[1]),
    )
    taken: list[tuple[int, int]] = []
    hits: list[tuple[int, DepartmentMatch]] = []
    for spelling, alone, name in candidates:
        for match in re.finditer(re.escape(spelling), folded):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue
            if not alone and not _at_boundary(folded, start):
                continue
            taken.append((start, end))
            hits.append((start, DepartmentMatch(_printed(text, folded, start, end), name)))
    for start, end in _suggestions(folded, taken):
        hits.append((start, DepartmentMatch(_printed(text, folded, start, end))))
    seen, result = set(), []
    for _, hit in sorted(hits, key=lambda row: row[0]):
        key = hit.name or normalise(hit.phrase)
        if key not in seen:
            seen.add(key)
            result.append(hit)
    return result
