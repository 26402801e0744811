import threading
from datetime import date

import pytest
from django.db import connection, connections

from disclosure.models import Document
from tests.disclosure.factories import DocumentFactory
from tests.portal.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_a_new_document_gets_code_year_and_five_digit_sequence():
    organization = OrganizationFactory(credit_code="115000000092759914")
    first = DocumentFactory(organization=organization, written_on=date(2019, 7, 19))
    second = DocumentFactory(organization=organization, written_on=date(2019, 8, 1))
    assert first.index_number == "115000000092759914/2019-00001"
    assert second.index_number == "115000000092759914/2019-00002"


def test_the_sequence_restarts_each_year_and_for_each_organization():
    bureau, ministry = OrganizationFactory(), OrganizationFactory()
    DocumentFactory(organization=bureau, written_on=date(2024, 1, 2))
    in_2025 = DocumentFactory(organization=bureau, written_on=date(2025, 1, 2))
    elsewhere = DocumentFactory(organization=ministry, written_on=date(2024, 1, 2))
    assert in_2025.index_number.endswith("/2025-00001")
    assert elsewhere.index_number == f"{ministry.credit_code}/2024-00001"


def test_a_department_without_a_code_numbers_under_its_agency():
    bureau = OrganizationFactory()
    office = OrganizationFactory(parent=bureau, credit_code="")
    DocumentFactory(organization=bureau, written_on=date(2024, 3, 1))
    document = DocumentFactory(organization=office, written_on=date(2024, 3, 1))
    assert document.index_number == f"{bureau.credit_code}/2024-00002"


def test_a_legacy_index_number_is_kept_as_given():
    document = DocumentFactory(index_number="01527918X-2020-153077")
    document.refresh_from_db()
    assert document.index_number == "01527918X-2020-153077"


def test_generation_skips_a_number_an_import_already_took():
    organization = OrganizationFactory()
    DocumentFactory(
        organization=organization, index_number=f"{organization.credit_code}/2024-00001"
    )
    generated = DocumentFactory(organization=organization, written_on=date(2024, 6, 1))
    assert generated.index_number == f"{organization.credit_code}/2024-00002"


def test_an_organization_tree_without_any_code_cannot_number_documents():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        DocumentFactory(organization=OrganizationFactory(credit_code=""))


def test_the_pattern_is_configurable(settings):
    settings.INDEX_NUMBER_FORMAT = "{code}-{year}-{sequence}"
    organization = OrganizationFactory()
    document = DocumentFactory(organization=organization, written_on=date(2021, 10, 1))
    assert document.index_number == f"{organization.credit_code}-2021-1"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_connections_never_draw_the_same_number():
    organization = OrganizationFactory()
    workers, per_worker = 8, 10
    barrier = threading.Barrier(workers)
    errors = []

    def create_documents():
        try:
            barrier.wait()
            for _ in range(per_worker):
                DocumentFactory(organization=organization, written_on=date(2024, 1, 1))
        except Exception as error:  # surfaced through the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create_documents) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = list(
        Document.objects.filter(organization=organization).values_list("index_number", flat=True)
    )
    assert len(numbers) == workers * per_worker
    assert len(set(numbers)) == len(numbers)
    expected = {
        f"{organization.credit_code}/2024-{n:05d}" for n in range(1, workers * per_worker + 1)
    }
    assert set(numbers) == expected
    assert connection.vendor == "postgresql"


def test_a_pool_draws_its_forecast_at_once_and_hands_numbers_out_without_queries(
    django_assert_num_queries,
):
    from disclosure.index_numbers import IndexNumberPool

    bureau = OrganizationFactory()
    code = bureau.credit_code
    DocumentFactory(organization=bureau, index_number=f"{code}/2024-00002")  # a legacy one
    pool = IndexNumberPool([(bureau.pk, 2024)] * 3 + [(bureau.pk, 2025)])
    with django_assert_num_queries(0):
        numbers = pool.take([(code, 2024), (code, 2025), (code, 2024)])
        numbers += pool.take([(code, 2024)])
    assert numbers == [f"{code}/2024-00001", f"{code}/2025-00001", f"{code}/2024-00003"] + [
        f"{code}/2024-00004"
    ]
    # What the forecast missed is drawn when it is taken, after what was drawn before.
    assert pool.take([(code, 2024), (code, 2026)]) == [f"{code}/2024-00005", f"{code}/2026-00001"]
