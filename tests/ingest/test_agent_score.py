"""Ingest writes the context model's agent score on each complaint, and the intermediary score
reads it back as the ``agent_text_share`` feature (real Neo4j)."""

from __future__ import annotations

from pathlib import Path

from graph.db.store import GraphStore
from graph.evidence.analytics import score_entities
from graph.text import context
from ingest.submit import submit_file

HEADER = "投诉编号,投诉日期,被投诉机构,投诉人姓名,身份证号,本人手机号,联系电话,投诉内容\n"
ID_NUMBERS = (
    "110101199003074514",
    "110101199003071778",
    "110101199003079817",
    "110101199003077096",
    "11010119900307571X",
)
AGENT_TEXT = (
    "本人{n}号借款人，已委托专业团队代理维权，要求贵司停息挂账，本金分36期偿还，"
    "减免全部罚息，否则向监管部门逐级投诉，后续事宜由本人委托的法务人员对接。"
)
BORROWER_TEXT = "我想问一下我的zx上有一条记录不对，怎么申请更正"


def complaints_file(folder: Path) -> Path:
    lines = [HEADER]
    for n, id_number in enumerate(ID_NUMBERS, start=1):
        text = AGENT_TEXT.format(n=n)
        lines.append(
            f"A{n},2025-03-0{n},某某小贷,借款人{n},{id_number},1380013800{n},13912345678,{text}\n"
        )
    lines.append(f"B1,2025-03-09,某某小贷,李四,110101199003072391,13700137000,,{BORROWER_TEXT}\n")
    path = folder / "complaints.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_ingest_writes_agent_score_and_the_score_explains_it(
    store: GraphStore, tmp_path: Path
) -> None:
    summary = submit_file(store, "complaints", complaints_file(tmp_path), org="lender-a")
    assert summary["rows_loaded"] == 6
    assert summary["context_version"] == context.model_version()
    rows = {
        r["id"]: r
        for r in store.read(
            "MATCH (c:Complaint) RETURN c.complaint_id AS id, c.agent_score AS score,"
            " c.disguise_count AS disguised, c.slang_terms AS terms"
        )
    }
    for n in range(1, 6):
        score = rows[f"A{n}"]["score"]
        assert score == round(context.agent_score(AGENT_TEXT.format(n=n)), 3)
        assert score >= context.AGENT_AT
    borrower = rows["B1"]
    assert borrower["score"] < context.SUPPRESS_BELOW
    assert borrower["terms"] == ["征信"]  # the hit is kept ...
    assert borrower["disguised"] == 0  # ... but a borrower's lone zx is no sign of an agent
    submission = store.read_one(
        "MATCH (s:Submission {id: $id}) RETURN s.context_version AS v", id=summary["submission"]
    )
    assert submission is not None and submission["v"] == context.model_version()

    scores, _ = score_entities(store)
    phone = next(s for s in scores if s.key == "phone:+8613912345678")
    assert phone.features["agent_text_share"] == 1.0
    assert phone.contributions["agent_text_share"] == 10.0
    assert "agent_text_share=1.0" in phone.reasons(top=len(phone.contributions))
