import pytest
from django.core.exceptions import ValidationError

from portal.credit_code import check_character, credit_code_error
from portal.models import Organization


def test_the_seed_bureau_code_is_valid():
    assert credit_code_error("115000000092759914") is None


def test_check_character_of_the_seed_code():
    assert check_character("11500000009275991") == "4"


def test_a_wrong_check_character_names_the_expected_one():
    message = credit_code_error("115000000092759915")
    assert message is not None
    assert "校验位错误" in message and "“4”" in message


def test_a_code_of_the_wrong_length_is_refused():
    assert "18位" in credit_code_error("11500000009275991")


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_letters_outside_the_alphabet_are_refused(letter):
    assert "不允许的字符" in credit_code_error("1150000000927599" + letter + "4")


@pytest.mark.django_db
def test_an_organization_with_a_wrong_check_character_fails_validation():
    organization = Organization(name="某局", credit_code="115000000092759915")
    with pytest.raises(ValidationError) as caught:
        organization.full_clean()
    assert "credit_code" in caught.value.message_dict


@pytest.mark.django_db
def test_lowercase_input_is_normalised_before_checking():
    organization = Organization(name="某局", credit_code="11100000000013128g")
    organization.full_clean()
    assert organization.credit_code == "11100000000013128G"
