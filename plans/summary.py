"""The year-end summary of a plan for section 六 of the annual report (其他需要报告的事项:
the year's disclosure work points and how they were carried out), generated from the
accepted progress reports; the supervisor edits it before it is used.

Pure and deterministic: the same tasks and reports give the same text. Plain text (no
markup); the page escapes it. Only accepted reports count, and only evidence the public
can see (a live document or interpretation) is named, since the text is meant for a
public report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from django.utils import timezone

from plans.models import Task, Update
from plans.reports import is_completed_on_time, leaf_tasks, weighted_progress

TaskStatus = Task.Status
MAX_EVIDENCE = 5
REASON_CHARS = 60
SENTENCE_ENDS = "。；;！!？?\n"


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    for index, char in enumerate(text):
        if char in SENTENCE_ENDS:
            text = text[:index]
            break
    return text if len(text) <= REASON_CHARS else text[: REASON_CHARS - 1] + "…"


def _reason(task: Task, updates: Sequence[Update], today: date) -> str:
    """Why a task is not finished, in a few words: its state, figure and latest report."""
    if task.status == TaskStatus.SUSPENDED:
        state = "已暂缓"
    elif task.due_on and task.due_on < today:
        state = f"已超过完成时限（{_chinese_date(task.due_on)}）"
    elif task.status == TaskStatus.OVERDUE:
        state = "已逾期"
    elif task.due_on:
        state = f"完成时限为{_chinese_date(task.due_on)}"
    else:
        state = "持续推进"
    latest = _first_sentence(updates[0].text) if updates else "尚无采纳的进展报送"
    return f"{state}，进度{task.progress}%，{latest}"


def _evidence_titles(updates: Sequence[Update], today: date) -> list[str]:
    """Titles of the evidence the public can read by ``today`` (live, and not scheduled
    for a later day): the summary goes into a public report."""
    titles = []
    for update in updates:
        for item in [*update.documents.all(), *update.interpretations.all()]:
            public = item.is_live and timezone.localdate(item.published_at) <= today
            if public and item.title not in titles:
                titles.append(item.title)
    return titles


def _descendants(root: Task, children: Mapping[int | None, list[Task]]) -> list[Task]:
    found, stack = [], [root]
    while stack:
        task = stack.pop()
        found.append(task)
        stack.extend(reversed(children.get(task.pk, [])))
    return found


def _section(
    section: Task, leaves: list[Task], updates: Mapping[int, Sequence[Update]], today: date
) -> list[str]:
    done = [task for task in leaves if task.status == TaskStatus.COMPLETED]
    open_ = [task for task in leaves if task.status != TaskStatus.COMPLETED]
    lines = [str(section)]
    if done:
        evidence = []
        for task in done:
            evidence += [
                title
                for title in _evidence_titles(updates.get(task.pk, ()), today)
                if title not in evidence
            ]
        sentence = f"已完成{len(done)}项：{'、'.join(task.title for task in done)}。"
        if evidence:
            named = "、".join(f"《{title}》" for title in evidence[:MAX_EVIDENCE])
            more = "等" if len(evidence) > MAX_EVIDENCE else ""
            sentence += f"相关工作已通过{named}{more}公开。"
        lines.append(sentence)
    if open_:
        reasons = "；".join(
            f"{task.title}（{_reason(task, updates.get(task.pk, ()), today)}）" for task in open_
        )
        lines.append(f"尚未完成{len(open_)}项：{reasons}。")
    if not leaves:
        lines.append("本部分没有分解任务。")
    return lines


def generate_summary(
    *,
    year: int,
    plan_title: str,
    organization_name: str,
    tasks: Sequence[Task],
    accepted_updates: Mapping[int, Sequence[Update]],
    today: date,
) -> str:
    """The summary text. ``tasks`` in tree order; ``accepted_updates`` maps a task's id to
    its accepted reports, newest first, with ``documents`` and ``interpretations``
    prefetched."""
    leaves = leaf_tasks(tasks)
    leaf_ids = {task.pk for task in leaves}
    completed = sum(1 for task in leaves if task.status == TaskStatus.COMPLETED)
    on_time = sum(1 for task in leaves if is_completed_on_time(task))
    progress = weighted_progress(leaves)
    opening = (
        f"{year}年，{organization_name}按照《{plan_title}》的部署，将年度政务公开工作"
        f"细化分解为{len(leaves)}项具体任务，逐项落实到责任部门。"
        f"截至{_chinese_date(today)}，已完成{completed}项，其中按期完成{on_time}项"
    )
    if progress is not None:
        opening += f"，总体完成进度{progress:.0f}%"
    paragraphs = [opening + "。"]
    children: dict[int | None, list[Task]] = {}
    for task in tasks:
        children.setdefault(task.parent_id, []).append(task)
    for section in children.get(None, []):
        section_leaves = [task for task in _descendants(section, children) if task.pk in leaf_ids]
        paragraphs.append("\n".join(_section(section, section_leaves, accepted_updates, today)))
    return "\n\n".join(paragraphs) + "\n"
