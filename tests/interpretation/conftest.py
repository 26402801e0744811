import pytest

from portal import workflow
from tests.disclosure.factories import DocumentFactory
from tests.interpretation.factories import InterpretationFactory

NOTES = {"approve": "经保密审查，同意公开。", "return": "请修改。", "withdraw": "内容调整。"}


def through_review(item, agency, *, steps=("submit", "approve")):
    """Take ``item`` through the given steps, each by the agency's role for it."""
    actor = {"submit": agency.clerk, "approve": agency.reviewer, "publish": agency.publisher,
             "withdraw": agency.publisher, "return": agency.reviewer}  # fmt: skip
    for step in steps:
        item = workflow.perform(item, step=step, by=actor[step], note=NOTES.get(step, ""))
    return item


@pytest.fixture
def policy(agency):
    """A draft policy document of the office that needs interpretation, with a draft
    interpretation of it, both owned by the office."""
    document = DocumentFactory(
        organization=agency.office, needs_interpretation=True, by=agency.clerk
    )
    interpretation = InterpretationFactory(
        organization=agency.office, documents=[document], by=agency.clerk
    )
    return document, interpretation
