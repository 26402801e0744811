"""Interpretations in the portal's search index, as their own kind (registered in
``InterpretationConfig.ready``)."""

from interpretation.models import Interpretation, Media
from portal import search
from portal.richtext import plain_text


def _media_texts(interpretation_ids) -> dict[int, str]:
    texts: dict[int, list[str]] = {}
    rows = Media.objects.filter(interpretation_id__in=interpretation_ids, is_live=True)
    for interpretation_id, description, transcript in rows.values_list(
        "interpretation_id", "description", "transcript"
    ):
        texts.setdefault(interpretation_id, []).extend([description, transcript])
    return {pk: "\n".join(parts) for pk, parts in texts.items()}


def interpretation_entries(interpretations: list[Interpretation]):
    media = _media_texts([i.pk for i in interpretations])
    url = search.url_pattern("interpretation:detail")
    return [
        search.entry(
            "interpretation",
            interpretation,
            title=interpretation.title,
            text=" ".join(
                [
                    interpretation.interpreter,
                    interpretation.summary,
                    plain_text(interpretation.body),
                    media.get(interpretation.pk, ""),
                ]
            ),
            organization_id=interpretation.organization_id,
            url=url(interpretation.pk),
        )
        for interpretation in interpretations
    ]


def interpretation_texts(ids: list[int]) -> dict[int, str]:
    rows = Interpretation.objects.filter(pk__in=ids).values_list("pk", "summary", "body")
    return {pk: f"{summary}\n{plain_text(body)}".strip() for pk, summary, body in rows}


INTERPRETATIONS = search.SearchKind(
    name="interpretation",
    label="政策解读",
    model=Interpretation,
    entries=interpretation_entries,
    snippet_texts=interpretation_texts,
)
