"""Money amounts in yuan, from the forms people write: ``12000``, ``12,000元``, ``¥3000``,
``1.2万``, ``3千元``, ``1.5亿``, ``人民币5000元``, ``RMB 5,000``, ``CNY5000``.

Width is folded first (``１２０００``, ``￥``). Thousands separators must be well placed
(``12,000`` yes, ``1,20`` no — that is more likely a European decimal or a typo). Negative
amounts, several numbers in one cell (``3000-5000``) and foreign currencies are refused: a
complaint's amount is one sum in yuan, and guessing would load a wrong figure.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_UNITS = {"": 1.0, "千": 1e3, "k": 1e3, "万": 1e4, "w": 1e4, "亿": 1e8}
_AMOUNT = re.compile(
    r"^(?:人民币|rmb|cny|[¥])?\s*"
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*"
    r"(?P<unit>千|k|万|w|亿)?\s*(?:元|块|圆|rmb|cny|yuan)?(?:整)?$"
)


def parse_amount(raw: str) -> float:
    """``raw`` as a float number of yuan; raise ``ValueError`` with the reason in words.

    >>> parse_amount("1.2万"), parse_amount("12,000元"), parse_amount("¥3000")
    (12000.0, 12000.0, 3000.0)
    """
    result = _parse_cached(raw)
    if type(result) is str:
        raise ValueError(result)
    return result  # type: ignore[return-value]


@lru_cache(maxsize=65_536)
def _parse_cached(raw: str) -> float | str:
    """The amount or the reason, cached by the raw string, refusals included."""
    try:
        return _parse(raw)
    except ValueError as error:
        return str(error)


def _parse(raw: str) -> float:
    text = unicodedata.normalize("NFKC", raw).strip().lower().replace(" ", "")
    if not text:
        raise ValueError("amount is empty")
    if text.startswith("-") or text.startswith("负"):
        raise ValueError(f"negative amount {raw!r}")
    match = _AMOUNT.match(text)
    if not match:
        if re.search(r"\d\s*[-~～至到]\s*\d", text):
            raise ValueError(f"a range, not one amount: {raw!r}")
        if re.search(r"(usd|us\$|\$|hkd|hk\$|eur|€|美元|港币|港元|欧元)", text):
            raise ValueError(f"not in yuan: {raw!r}")
        raise ValueError(f"not an amount: {raw!r}")
    value = float(match["number"].replace(",", "")) * _UNITS[match["unit"] or ""]
    return round(value, 2)


def amount_problem(raw: str) -> str | None:
    """The reason ``raw`` is not a usable amount, or None when it is one."""
    try:
        parse_amount(raw)
    except ValueError as error:
        return str(error)
    return None
