"""The 18-digit citizen identification number (公民身份号码), GB 11643-1999.

Positions: 1–6 address code, 7–14 date of birth (YYYYMMDD), 15–17 sequence code, 18 check
character, ISO 7064 MOD 11-2: the first 17 digits weighted 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2,
the sum modulo 11 indexing "10X98765432". People type it with blanks, in full-width digits or
with a lower-case x, so ``normalise`` comes first. Pure: ``today`` is an argument.
"""

from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
EARLIEST_BIRTH = date(1900, 1, 1)


def normalise(value: str) -> str:
    """Blanks removed, full-width digits and Ｘ folded, x upper-cased."""
    value = "".join((value or "").split())
    value = value.translate({ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９Ｘｘ"})
    return value.upper()


def check_character(first_17: str) -> str:
    """The 18th character for the first 17 digits (GB 11643 §6.2, ISO 7064 MOD 11-2)."""
    if len(first_17) != 17 or not (first_17.isascii() and first_17.isdigit()):
        raise ValueError("the first 17 characters must be ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first_17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def birth_date(number: str) -> date | None:
    """The date of birth in positions 7–14, or None when it is not a calendar date."""
    digits = number[6:14]
    if len(digits) != 8 or not (digits.isascii() and digits.isdigit()):
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def id_number_error(number: str, *, today: date | None = None) -> str | None:
    """A Chinese explanation of what is wrong with the (normalised) ``number``, or None when
    it is a valid resident ID number. With ``today``, a birth date after it is refused."""
    if len(number) != 18:
        return f"居民身份证号码应为18位，当前为{len(number)}位。"
    if not (number[:17].isascii() and number[:17].isdigit()):
        return "居民身份证号码前17位只能是数字。"
    if not (number[17].isascii() and (number[17].isdigit() or number[17] == "X")):
        return "居民身份证号码第18位只能是数字或字母X。"
    born = birth_date(number)
    if born is None:
        return f"居民身份证号码中的出生日期“{number[6:14]}”不是有效日期。"
    if born < EARLIEST_BIRTH or (today is not None and born > today):
        return f"居民身份证号码中的出生日期“{number[6:14]}”不在合理范围内。"
    expected = check_character(number[:17])
    if number[17] != expected:
        return "居民身份证号码校验位不正确，请核对后重新填写。"
    return None


def is_valid(number: str, *, today: date | None = None) -> bool:
    return id_number_error(normalise(number), today=today) is None
