"""The 18-character unified social credit code (统一社会信用代码), GB 32100-2015.

Positions: 1 registration authority, 2 organization type, 3–8 administrative division,
9–17 organization code, 18 check character. The alphabet leaves out I, O, S, V and Z.
"""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, position, 31) for position in range(17)]  # 1, 3, 9, 27, 19, 26, …


def check_character(first_17: str) -> str:
    """The 18th character for the first 17 (GB 32100 §4.3: modulus 31)."""
    total = sum(
        ALPHABET.index(char) * weight for char, weight in zip(first_17, WEIGHTS, strict=True)
    )
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_error(code: str) -> str | None:
    """A Chinese explanation of what is wrong with ``code``, or None when it is valid."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位，当前为{len(code)}位。"
    bad = sorted({char for char in code if char not in ALPHABET})
    if bad:
        return f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}（只能是数字和除I、O、S、V、Z以外的大写字母）。"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：第18位应为“{expected}”，而不是“{code[17]}”。"
    return None
