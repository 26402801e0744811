import factory

from portal.credit_code import check_character
from portal.models import Organization, User


def valid_credit_code(n: int) -> str:
    first_17 = f"1150000000{n:07d}"
    return first_17 + check_character(first_17)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试机关{n}")
    short_name = factory.Sequence(lambda n: f"测试{n}")
    credit_code = factory.Sequence(valid_credit_code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-password")
