"""docs/answers.md's result-code table is the code's (OUTCOME_CODES, GROUND_CODES): one source."""

from __future__ import annotations

import re
from pathlib import Path

from priemnaya.appeals.states import (
    GROUND_CODES,
    OUTCOME_CODES,
    REPLY_CHANNELS,
    NoAnswerGround,
    Outcome,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "answers.md"
ROW = re.compile(r"^\| (\d+) \| `(\w+)`(?: / `(\w+)`)? \| (.+?) \|$")


def _table() -> dict[int, tuple[str, str, str]]:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- result-codes:start -->")[1].split("<!-- result-codes:end -->")[0]
    rows: dict[int, tuple[str, str, str]] = {}
    for line in block.strip().splitlines()[2:]:
        match = ROW.match(line)
        assert match, f"not a row of the table: {line!r}"
        code, outcome, ground, label = match.groups()
        assert int(code) not in rows, f"code {code} twice"
        rows[int(code)] = (outcome, ground or "", label)
    return rows


def test_the_documented_result_codes_are_the_codes_in_use():
    expected = {code: (o.value, "", o.label) for o, code in OUTCOME_CODES.items()}
    expected |= {
        code: (Outcome.NO_ANSWER.value, g.value, g.label) for g, code in GROUND_CODES.items()
    }
    assert _table() == expected


def test_every_outcome_and_ground_has_a_code():
    assert set(OUTCOME_CODES) == set(Outcome)
    assert set(GROUND_CODES) == set(NoAnswerGround)
    assert not set(OUTCOME_CODES.values()) & set(GROUND_CODES.values())


def test_every_reply_channel_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for channel in set(REPLY_CHANNELS.values()):
        assert f"| `{channel.value}` | {channel.label} |" in text
