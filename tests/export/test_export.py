"""Court packages: files, masking, determinism, chart rendering and the formats other tools read.

The bundle below is what ``graph.evidence.leads.lead_bundle`` returns for a small "debt negotiation" ring:
two firms, three phones, two agent accounts, eight complaints (two of them hostile strings), a
legal representative and two complainants, links of all three kinds, two submissions.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph.core.keys import SigningKey
from graph.export import chart
from graph.export.manifest import sm3_gmssl, sm3_hex
from graph.export.masking import mask_bundle
from graph.export.package import export_package
from graph.export.verify import read_package, verify_package
from graph.values.masking import mask_name, mask_phone, mask_text

SUB_A = "sub-3f1c0a9b7d2e4c6a8b10"
SUB_B = "sub-9a8b7c6d5e4f3a2b1c0d"
SUB_R = "sub-77aa77aa77aa77aa77aa"
REGULATOR = "金融监管局转办"
REGULATOR_TEXT = "监管转办：投诉人称已委托第三方协商，联系电话13512345678"
PHONES = ["+8613800138000", "+8613912345678", "+8618688886666"]
HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_CYPHER = "'}) MATCH (n) DETACH DELETE n //"
TEXTS = [
    "本人在某银行信用卡逾期，联系13800138000的“法务”称可以停息挂账，先交服务费3000元。",
    "代理维权公司让我写投诉，模板一样：要求减免利息，否则向银保监投诉。联系人电话13800138000",
    HOSTILE_SCRIPT + " 反催收团队指导我投诉，电话 139-1234-5678",
    HOSTILE_CYPHER,
    "协商还款专员（抖音号 fw_helper888）收取前期费用后失联，身份证号110101199003070011。",
    "对方自称律师事务所，要求我签委托书，联系号码186 8888 6666，张三介绍的。",
    "本人因生活困难逾期，某咨询公司承诺全额减免，索要定金。加我 1 3 9 1 2 3 4 5 6 7 8",
    "停息挂账，个性化分期，包成功！加微信 wx_debt_free",
]


def sample_bundle() -> dict[str, Any]:
    firms = [
        {
            "key": "firm:91440300MA5G8KQX1P",
            "label": "Firm",
            "props": {
                "uscc": "91440300MA5G8KQX1P",
                "name": "深圳市前海安信法律咨询有限公司",
                "name_key": "前海安信法律咨询",
                "key_strength": "uscc",
                "address": "深圳市南山区前海路1号",
                "registered_date": "2021-03-15",
                "business_scope": "法律咨询；企业管理咨询",
            },
        },
        {
            "key": "firm:name:广州惠民债务协商服务",
            "label": "Firm",
            "props": {
                "name": "广州惠民债务协商服务有限公司",
                "name_key": "惠民债务协商服务",
                "key_strength": "name",
            },
        },
    ]
    phones = [
        {
            "key": f"phone:{e164}",
            "label": "Phone",
            "props": {"e164": e164, "type": "mobile", "carrier": carrier, "region": region},
        }
        for e164, carrier, region in zip(
            PHONES,
            ["中国移动", "中国移动", "中国联通"],
            ["广东深圳", "广东广州", "广东深圳"],
            strict=True,
        )
    ]
    accounts = [
        {
            "key": "account:douyin:fw_helper888",
            "label": "Account",
            "props": {
                "platform": "douyin",
                "handle": "fw_helper888",
                "nickname": "债务优化王律师",
                "bio": "专业停息挂账 咨询电话13800138000",
            },
        },
        {
            "key": "account:wechat:wx_debt_free",
            "label": "Account",
            "props": {"platform": "wechat", "handle": "wx_debt_free", "nickname": "=HYPERLINK(1)"},
        },
    ]
    persons = [
        {
            "key": "person:p-5b2d9e",
            "label": "Person",
            "props": {
                "pid": "p-5b2d9e",
                "name": "张三",
                "masked_id": "1101**********0011",
                "pid_basis": "id",
            },
        },
        {
            "key": "person:p-77aa01",
            "label": "Person",
            "props": {"pid": "p-77aa01", "name": "李四", "pid_basis": "name_phone"},
        },
        {
            "key": "person:p-c0ffee",
            "label": "Person",
            "props": {"pid": "p-c0ffee", "name": "王五", "pid_basis": "name_phone"},
        },
    ]
    complaints = [
        {
            "key": f"complaint:12378:TS2024{n:04d}",
            "label": "Complaint",
            "props": {
                "complaint_id": f"TS2024{n:04d}",
                "source": "12378",
                "channel": "热线",
                "institution": "某银行信用卡中心",
                "filed_date": f"2024-0{1 + n % 6}-1{n}",
                "text": TEXTS[n],
                "amount": 3000.0 + n,
                "slang_terms": ["停息挂账"] if n % 2 == 0 else [],
                "template_cluster": "tpl-7" if n in (1, 5) else None,
            },
        }
        for n in range(8)
    ]
    complaints[3]["props"]["complaint_id"] = "../../etc/passwd"
    # complaint 7 was filed at a regulator: its values are the regulator's, not the lead's org's
    complaints[7]["props"]["values_org"] = REGULATOR
    contact_of = [0, 0, 1, 1, 2, 2, 0, 1]
    links: list[dict[str, Any]] = []
    for n, complaint in enumerate(complaints):
        links.append(
            {
                "start": complaint["key"],
                "end": phones[contact_of[n]]["key"],
                "type": "CONTACT",
                "kind": "fact",
                "sources": [f"{SUB_A}#{n + 2}"],
                "first_seen": complaint["props"]["filed_date"],
                "last_seen": complaint["props"]["filed_date"],
                "props": {},
            }
        )
    links += [
        {
            "start": complaints[0]["key"],
            "end": "person:p-77aa01",
            "type": "FILED_BY",
            "kind": "fact",
            "sources": [f"{SUB_A}#2"],
            "first_seen": "2024-02-10",
            "last_seen": "2024-02-10",
            "props": {},
        },
        {
            "start": complaints[5]["key"],
            "end": "person:p-c0ffee",
            "type": "FILED_BY",
            "kind": "fact",
            "sources": [f"{SUB_A}#7"],
            "first_seen": "2024-06-15",
            "last_seen": "2024-06-15",
            "props": {},
        },
        {
            "start": complaints[4]["key"],
            "end": "account:douyin:fw_helper888",
            "type": "REPRESENTED_BY",
            "kind": "fact",
            "sources": [f"{SUB_A}#6"],
            "first_seen": "2024-05-14",
            "last_seen": "2024-05-14",
            "props": {},
        },
        {
            "start": "firm:91440300MA5G8KQX1P",
            "end": phones[0]["key"],
            "type": "HAS_PHONE",
            "kind": "fact",
            "sources": [f"{SUB_B}#3", f"{SUB_B}#11"],
            "first_seen": "2021-03-15",
            "last_seen": "2024-01-02",
            "props": {},
        },
        {
            "start": "firm:name:广州惠民债务协商服务",
            "end": phones[1]["key"],
            "type": "HAS_PHONE",
            "kind": "fact",
            "sources": [f"{SUB_B}#4"],
            "first_seen": "2022-07-01",
            "last_seen": "2022-07-01",
            "props": {},
        },
        {
            "start": "person:p-5b2d9e",
            "end": "firm:91440300MA5G8KQX1P",
            "type": "LEGAL_REP_OF",
            "kind": "fact",
            "sources": [f"{SUB_B}#3"],
            "first_seen": "2021-03-15",
            "last_seen": "2021-03-15",
            "props": {},
        },
        {
            "start": "account:douyin:fw_helper888",
            "end": phones[0]["key"],
            "type": "ADVERTISES",
            "kind": "inference",
            "sources": [f"{SUB_B}#20"],
            "first_seen": "2024-01-05",
            "last_seen": "2024-03-01",
            "props": {"evidence": "bio"},
        },
        {
            "start": "account:wechat:wx_debt_free",
            "end": "firm:name:广州惠民债务协商服务",
            "type": "OPERATED_BY",
            "kind": "fact",
            "sources": [f"{SUB_B}#21"],
            "first_seen": "2023-11-11",
            "last_seen": "2023-11-11",
            "props": {},
        },
        {
            "start": phones[0]["key"],
            "end": phones[2]["key"],
            "type": "CALLED",
            "kind": "fact",
            "sources": [f"{SUB_B}#30", f"{SUB_B}#31"],
            "first_seen": "2024-01-03T09:12:00",
            "last_seen": "2024-04-18T20:01:00",
            "props": {"count": 12, "total_seconds": 1830},
        },
        {
            "start": complaints[1]["key"],
            "end": complaints[5]["key"],
            "type": "SAME_TEMPLATE",
            "kind": "match",
            "sources": [],
            "first_seen": None,
            "last_seen": None,
            "props": {"similarity": 0.91},
        },
    ]
    return {
        "lead": {
            "id": "lead-firm-91440300ma5g8kqx1p",
            "title": "深圳前海安信法律咨询 代理维权团伙（3 个号码，8 起投诉）",
            "score": 0.87,
            "status": "pushed",
            "summary": {"phones": 3, "complaints": 8, "top_phone": "+8613800138000"},
            "explanation": [
                {
                    "feature": "shared_contact",
                    "value": 8,
                    "contribution": 0.41,
                    "text": "8 起投诉共用 3 个联系电话，其中 13800138000 出现 3 次",
                },
                {
                    "feature": "template_share",
                    "value": 0.25,
                    "contribution": 0.21,
                    "text": "四分之一的投诉文本出自同一模板",
                },
            ],
            "case_ref": "深公(经)立字〔2024〕1234号",
            "analyst": "analyst_li",
            "officer": "officer_wang",
            "org": "某银行信用卡中心",
            "created_at": "2024-07-01T08:00:00Z",
            "method": {
                "queries": [
                    {
                        "name": "ring_members",
                        "cypher": "(query text as run by graph.evidence.analytics; placeholder in tests)",
                        "params": {"anchor": "firm:91440300MA5G8KQX1P", "phone": PHONES[0]},
                    }
                ],
                "thresholds": {"min_complaints": 3, "min_score": 0.5},
                "algorithm": "intermediary scores + Louvain",
                "seed": 42,
            },
            "lexicon_version": "lex-2024.06",
            "context_version": "ctx-2024.06",
            "scoring_method": "scores-2024.06",
        },
        "entities": firms + phones + accounts + persons + complaints,
        "links": links,
        "submissions": [
            {
                "id": SUB_A,
                "file_name": "投诉记录_2024H1.csv",
                "sha256": "a" * 64,
                "org": "某银行信用卡中心",
                "user": "analyst_li",
                "received_at": "2024-06-30T02:00:00Z",
                "grade": "B2",
                "lexicon_version": "lex-2024.05",
                "contacts_version": "contacts-2024.05",
                "context_version": "ctx-2024.05",
            },
            {
                "id": SUB_B,
                "file_name": "企业与号码.xlsx",
                "sha256": "b" * 64,
                "org": "某银行信用卡中心",
                "user": "analyst_li",
                "received_at": "2024-06-30T03:00:00Z",
                "grade": None,
            },
        ],
        "statements": [
            {
                "entity": complaints[0]["key"],
                "org": "某银行信用卡中心",
                "submission": SUB_A,
                "rows": [2],
                "forwarded_for": None,
                "at": "2024-06-30T02:00:00Z",
                "values": {"text": TEXTS[0], "amount": 3000.0},
            },
            {
                "entity": complaints[0]["key"],
                "org": REGULATOR,
                "submission": SUB_R,
                "rows": [9],
                "forwarded_for": "某银行信用卡中心",
                "at": "2024-07-01T02:00:00Z",
                "values": {"text": REGULATOR_TEXT},
            },
            {
                "entity": complaints[7]["key"],
                "org": REGULATOR,
                "submission": SUB_R,
                "rows": [10],
                "forwarded_for": None,
                "at": "2024-07-01T02:00:00Z",
                "values": {"text": TEXTS[7]},
            },
        ],
        "snapshot": {"latest_submission": SUB_B, "software_version": "leadgraph 0.1.0"},
    }


KEY = SigningKey.generate()
# The packages below are signed by KEY, which no installation holds: verify trusts it explicitly,
# as an installation that ran `leadgraph keys trust` on it would.
TRUSTED = {KEY.public.fingerprint: "the test exporter"}
T1 = datetime(2024, 7, 2, 1, 2, 3, tzinfo=UTC)
T2 = datetime(2024, 7, 3, 4, 5, 6, tzinfo=UTC)


@pytest.fixture(scope="module")
def court_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("court")
    return export_package(
        sample_bundle(), out, fmt="dir", user="officer_wang", now=T1, key=KEY
    ).path


@pytest.fixture(scope="module")
def partner_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("partner")
    result = export_package(
        sample_bundle(), out, fmt="dir", audience="partner", user="officer_wang", now=T1, key=KEY
    )
    return result.path


def test_package_holds_every_file_and_verifies(court_dir: Path) -> None:
    names = sorted(p.relative_to(court_dir).as_posix() for p in court_dir.rglob("*") if p.is_file())
    for expected in (
        "chart.pdf",
        "chart.svg",
        "cover.pdf",
        "cover.txt",
        "entities.csv",
        "graph.anx",
        "graph.graphml",
        "graph.json",
        "links.csv",
        "statements.csv",
        "manifest.json",
        "manifest.sig",
        "method.txt",
        "public_key.pem",
        "redactions.txt",
    ):
        assert expected in names
    assert sum(1 for n in names if n.startswith("excerpts/")) == 8
    result = verify_package(court_dir, trusted=TRUSTED)
    assert result.intact, result
    assert result.key_fingerprint == KEY.public.fingerprint
    manifest = json.loads((court_dir / "manifest.json").read_text())
    assert manifest["lead_id"] == "lead-firm-91440300ma5g8kqx1p"
    assert manifest["exported_by"] == "officer_wang"
    assert manifest["exported_at"] == "2024-07-02T01:02:03Z"
    assert {f["path"] for f in manifest["files"]} == set(names) - {"manifest.json", "manifest.sig"}


def _every_tamper(package: Path) -> list[tuple[str, str, Path]]:
    files = sorted(p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file())
    cases = []
    for name in files:
        cases.append(("changed", name, package))
        cases.append(("removed", name, package))
    cases.append(("added", "notes.txt", package))
    cases.append(("added", "excerpts/extra.txt", package))
    return cases


def test_verify_names_each_altered_removed_or_added_file(court_dir: Path, tmp_path: Path) -> None:
    for what, name, package in _every_tamper(court_dir):
        copy_dir = tmp_path / f"{what}-{name.replace('/', '_')}"
        shutil.copytree(package, copy_dir)
        target = copy_dir / name
        if what == "changed":
            data = bytearray(target.read_bytes())
            # a bit in the middle; in the manifest, a bit of a digest (a bit in a file's path
            # would rightly make verify name that file as added and another as removed)
            at = data.find(b'"sha256": "') + 11 if name == "manifest.json" else len(data) // 2
            data[at] ^= 0x01
            target.write_bytes(bytes(data))
        elif what == "removed":
            target.unlink()
        else:
            target.write_text("slipped in\n")
        result = verify_package(copy_dir, trusted=TRUSTED)
        assert not result.intact, (what, name)
        assert name in getattr(result, what), (what, name, result)
        others = {"added", "removed", "changed"} - {what}
        for other in others:  # nothing innocent is named
            named = set(getattr(result, other))
            assert named <= {"manifest.json", "manifest.sig"} or not named, (what, name, result)


def test_resigned_manifest_with_another_key_is_caught_by_fingerprint(
    court_dir: Path, tmp_path: Path
) -> None:
    from graph.export.manifest import signature_file

    copy_dir = tmp_path / "resigned"
    shutil.copytree(court_dir, copy_dir)
    other = SigningKey.generate()
    manifest = json.loads((copy_dir / "manifest.json").read_text())
    import base64

    manifest["signature"]["public_key"] = base64.b64encode(other.public.raw).decode()
    manifest["signature"]["key_fingerprint"] = other.public.fingerprint
    data = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()
    (copy_dir / "manifest.json").write_bytes(data)
    (copy_dir / "manifest.sig").write_bytes(signature_file(data, other))
    # self-consistent: believed only where the other key is trusted
    assert verify_package(copy_dir, trusted={other.public.fingerprint: "other"}).intact
    untrusted = verify_package(copy_dir, trusted=TRUSTED)
    assert not untrusted.intact and untrusted.signature_valid and not untrusted.key_trusted
    assert untrusted.key_fingerprint == other.public.fingerprint
    result = verify_package(copy_dir, expect_fingerprint=KEY.public.fingerprint)
    assert not result.intact
    assert result.key_fingerprint == other.public.fingerprint


def test_zip_package_verifies_and_names_a_changed_entry(tmp_path: Path) -> None:
    result = export_package(sample_bundle(), tmp_path, fmt="zip", user="u", now=T1, key=KEY)
    assert result.path.suffix == ".zip"
    assert verify_package(result.path, trusted=TRUSTED).intact
    files = read_package(result.path)
    import zipfile

    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as archive:
        for name, data in files.items():
            if name == "links.csv":
                data = data.replace(b"fact", b"match", 1)
            archive.writestr(f"top/{name}", data)
    check = verify_package(tampered, trusted=TRUSTED)
    assert not check.intact and check.changed == ["links.csv"]


def test_same_bundle_twice_gives_identical_files_but_cover_manifest_and_signature(
    tmp_path: Path,
) -> None:
    a = export_package(sample_bundle(), tmp_path / "a", fmt="dir", user="u", now=T1, key=KEY)
    b = export_package(sample_bundle(), tmp_path / "b", fmt="dir", user="u", now=T2, key=KEY)
    files_a, files_b = read_package(a.path), read_package(b.path)
    assert set(files_a) == set(files_b)
    differ = {name for name in files_a if files_a[name] != files_b[name]}
    assert differ == {"cover.txt", "cover.pdf", "manifest.json", "manifest.sig"}
    assert a.package_id == b.package_id


def test_csv_tables_carry_keys_and_expanded_sources(court_dir: Path) -> None:
    entities = list(
        csv.DictReader(io.StringIO((court_dir / "entities.csv").read_text("utf-8-sig")))
    )
    assert {row["key"] for row in entities} == {e["key"] for e in sample_bundle()["entities"]}
    account = next(r for r in entities if r["key"] == "account:wechat:wx_debt_free")
    assert account["nickname"] == "'=HYPERLINK(1)"  # not a formula in a spreadsheet
    phone = next(r for r in entities if r["key"] == f"phone:{PHONES[0]}")
    assert phone["e164"] == PHONES[0]  # a phone number is not mistaken for a formula
    links = list(csv.DictReader(io.StringIO((court_dir / "links.csv").read_text("utf-8-sig"))))
    has_phone = [r for r in links if r["type"] == "HAS_PHONE" and r["rows"] == "3;11"]
    assert has_phone and has_phone[0]["file_name"] == "企业与号码.xlsx"
    assert has_phone[0]["file_sha256"] == "b" * 64 and has_phone[0]["kind"] == "fact"
    contact = next(r for r in links if r["type"] == "CONTACT")
    assert contact["grade"] == "B2" and contact["submission_id"] == SUB_A
    assert {r["kind"] for r in links} == {"fact", "inference", "match"}
    match = next(r for r in links if r["kind"] == "match")
    assert match["submission_id"] == "" and json.loads(match["properties"]) == {"similarity": 0.91}


def test_excerpts_hold_texts_and_have_safe_names(court_dir: Path) -> None:
    excerpts = sorted((court_dir / "excerpts").iterdir())
    assert all(p.parent == court_dir / "excerpts" for p in excerpts)
    texts = "".join(p.read_text() for p in excerpts)
    assert HOSTILE_SCRIPT in texts and HOSTILE_CYPHER in texts
    assert "投诉记录_2024H1.csv" in texts and "a" * 64 in texts


def test_graphml_reads_back_with_the_same_nodes_and_links(court_dir: Path) -> None:
    bundle = sample_bundle()
    graph = nx.read_graphml(court_dir / "graph.graphml", force_multigraph=True)
    assert set(graph.nodes) == {e["key"] for e in bundle["entities"]}
    edges = {(a, b, d["type"]) for a, b, d in graph.edges(data=True)}
    assert edges == {(r["start"], r["end"], r["type"]) for r in bundle["links"]}
    assert graph.nodes[f"phone:{PHONES[0]}"]["entity_type"] == "Phone"


def test_anx_is_well_formed_and_carries_every_entity_and_link(court_dir: Path) -> None:
    bundle = sample_bundle()
    root = ET.parse(court_dir / "graph.anx").getroot()
    assert root.tag == "Chart"
    items = root.find("ChartItemCollection")
    assert items is not None
    entity_ids = {e.get("EntityId") for e in items.iter("Entity")}
    assert entity_ids == {e["key"] for e in bundle["entities"]}
    links = {
        (link.get("End1Id"), link.get("End2Id"), link.find("LinkStyle").get("Type"))  # type: ignore[union-attr]
        for link in items.iter("Link")
    }
    assert links == {(r["start"], r["end"], r["type"]) for r in bundle["links"]}
    strengths = {s.get("Strength") for s in items.iter("LinkStyle")}
    assert strengths == {"Confirmed", "Unconfirmed", "Tentative"}
    for item in items.iter("ChartItem"):
        assert item.find("End") is not None or item.find("Link") is not None


def test_graph_json_and_method(court_dir: Path) -> None:
    data = json.loads((court_dir / "graph.json").read_text())
    bundle = sample_bundle()
    assert len(data["entities"]) == len(bundle["entities"]) == 18
    assert len(data["links"]) == len(bundle["links"]) == 18
    method = (court_dir / "method.txt").read_text()
    assert "placeholder in tests" in method and '"min_complaints": 3' in method
    assert "lex-2024.06" in method and "seed: 42" in method and "contribution 0.41" in method
    # the versions that produced the evidence: at detection, and each submission's at ingest
    assert "lexicon version at detection: lex-2024.06" in method
    assert "scoring method: scores-2024.06" in method
    assert "context model at detection: ctx-2024.06" in method
    assert f"{SUB_A}" in method and "lexicon lex-2024.05" in method
    assert "contacts contacts-2024.05  context ctx-2024.05" in method


def test_chart_pdf_embeds_the_cjk_font_and_renders_a_page(court_dir: Path, tmp_path: Path) -> None:
    fonts = subprocess.run(
        ["pdffonts", str(court_dir / "chart.pdf")], capture_output=True, text=True, check=True
    ).stdout
    cjk = [line for line in fonts.splitlines() if "NotoSansCJK" in line]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk), fonts  # the emb column
    assert all(" yes " in line for line in cjk)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            str(court_dir / "chart.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    png = next(tmp_path.glob("page*.png"))
    from PIL import Image

    with Image.open(png) as image:
        gray = image.convert("L")
        histogram = gray.histogram()
    pixels = sum(histogram)
    dark = sum(histogram[:128])
    assert pixels > 100_000 and 0.005 < dark / pixels < 0.5
    assert sum(1 for count in histogram if count) > 20  # text and colours, not a blank page
    text = subprocess.run(
        ["pdftotext", str(court_dir / "chart.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    for needle in ("深圳市前海安信", "13800138000", "pkg-", "深公(经)立字〔2024〕1234号", "图例"):
        assert needle in text, needle


def test_svg_escapes_hostile_text(court_dir: Path) -> None:
    svg = (court_dir / "chart.svg").read_text()
    ET.fromstring(svg.encode())
    assert "<script" not in svg


def test_partner_package_has_no_raw_phone_numbers_or_names(partner_dir: Path) -> None:
    assert verify_package(partner_dir, trusted=TRUSTED).intact
    raw = [*PHONES, *(p[3:] for p in PHONES), "139-1234-5678", "186 8888 6666", "张三", "李四"]
    raw += ["110101199003070011", "1 3 9 1 2 3 4 5 6 7 8"]
    for path in partner_dir.rglob("*"):
        if not path.is_file():
            continue
        if path.suffix == ".pdf":
            text = subprocess.run(
                ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
            ).stdout
        else:
            text = path.read_bytes().decode("utf-8", "replace")
        for value in raw:
            assert value not in text, (path.name, value)
    entities = (partner_dir / "entities.csv").read_text("utf-8-sig")
    assert "138****8000" in entities and "张*" in entities
    assert "1101**********0011" not in entities  # masked_id is left out for partners
    redactions = (partner_dir / "redactions.txt").read_text()
    assert "partner" in redactions and "Phone.e164: 3" in redactions


def test_court_and_police_see_full_values(tmp_path: Path) -> None:
    for audience in ("court", "police"):
        result = export_package(
            sample_bundle(),
            tmp_path / audience,
            fmt="dir",
            audience=audience,
            user="u",
            now=T1,
            key=KEY,
        )
        entities = (result.path / "entities.csv").read_text("utf-8-sig")
        assert PHONES[0] in entities and "张三" in entities


def test_masking_rules() -> None:
    assert mask_phone("+8613800138000") == "138****8000"
    assert mask_name("张三") == "张*" and mask_name("欧阳娜娜") == "欧***"
    text, n = mask_text("电话 139-1234-5678，身份证110101199003070011，张三", ("张三",))
    assert text == "电话 139****5678，身份证1101**********0011，张*" and n == 3
    assert mask_text("咨询 1 8 9 9 9 7 5 7 4 8 3")[0] == "咨询 189****7483"
    assert mask_text("加V：１３８００１３８０００")[0] == "加V：138****8000"
    assert mask_text("幺三八零零幺三八零零零")[0] == "138****8000"
    assert mask_text("金额30000元，2024-05-01 12:30") == ("金额30000元，2024-05-01 12:30", 0)
    bundle = sample_bundle()
    masked = mask_bundle(bundle, "partner", b"k").bundle
    assert bundle == sample_bundle()  # the input is not touched
    keys = {e["key"] for e in masked["entities"]}
    assert not any(p in k for p in PHONES for k in keys)
    assert {r["start"] for r in masked["links"]} <= keys
    # keys named in the lead's texts follow their entities' new names
    bundle["lead"]["summary"]["top_key"] = f"phone:{PHONES[0]}"
    summary = mask_bundle(bundle, "partner", b"k").bundle["lead"]["summary"]
    assert summary["top_key"] in keys and {r["end"] for r in masked["links"]} <= keys


def test_sm3_fast_path_agrees_with_gmssl(court_dir: Path) -> None:
    data = (court_dir / "links.csv").read_bytes()
    assert sm3_hex(data) == sm3_gmssl(data)
    assert sm3_gmssl(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_large_lead_is_summarised_not_shrunk() -> None:
    bundle = sample_bundle()
    for n in range(400):
        key = f"complaint:12378:BULK{n:05d}"
        bundle["entities"].append(
            {"key": key, "label": "Complaint", "props": {"complaint_id": f"BULK{n:05d}"}}
        )
        person = f"person:bulk-{n}"
        bundle["entities"].append({"key": person, "label": "Person", "props": {"name": "某某"}})
        bundle["links"].append(
            {
                "start": key,
                "end": f"phone:{PHONES[n % 3]}",
                "type": "CONTACT",
                "kind": "fact",
                "sources": [f"{SUB_A}#{n + 100}"],
                "first_seen": None,
                "last_seen": None,
                "props": {},
            }
        )
        bundle["links"].append(
            {
                "start": key,
                "end": person,
                "type": "FILED_BY",
                "kind": "fact",
                "sources": [f"{SUB_A}#{n + 100}"],
                "first_seen": None,
                "last_seen": None,
                "props": {},
            }
        )
    pages, notes = chart.plan(bundle)
    assert len(pages) == 1 and len(pages[0].nodes) <= chart.MAX_NODES_PER_PAGE
    groups = [n for n in pages[0].nodes if n.kind == chart.GROUP]
    assert len(groups) == 3 and any("投诉 1" in n.lines[0] for n in groups)
    drawn = {key for node in pages[0].nodes for key in node.members}
    assert drawn == {e["key"] for e in bundle["entities"]}
    assert notes and "counted nodes" in notes[0]


def test_many_components_split_into_pages() -> None:
    bundle = sample_bundle()
    for n in range(200):
        a, b = f"phone:+86135{n:08d}", f"phone:+86136{n:08d}"
        for key in (a, b):
            bundle["entities"].append({"key": key, "label": "Phone", "props": {"e164": key[6:]}})
        bundle["links"].append(
            {
                "start": a,
                "end": b,
                "type": "CALLED",
                "kind": "fact",
                "sources": [],
                "first_seen": None,
                "last_seen": None,
                "props": {"count": 1},
            }
        )
    pages, notes = chart.plan(bundle)
    assert len(pages) >= 3 and all(len(p.nodes) <= chart.MAX_NODES_PER_PAGE for p in pages)
    assert sum(len(p.nodes) for p in pages) == len({n.id for p in pages for n in p.nodes})
    assert any("split" in note for note in notes)


def test_the_court_package_says_which_party_said_which(court_dir: Path) -> None:
    rows = list(csv.DictReader(io.StringIO((court_dir / "statements.csv").read_text("utf-8-sig"))))
    by_org = {(row["entity"], row["org"]): row for row in rows}
    first = "complaint:12378:TS20240000"
    assert json.loads(by_org[(first, "某银行信用卡中心")]["values"])["text"] == TEXTS[0]
    forwarded = by_org[(first, REGULATOR)]
    assert forwarded["forwarded_for"] == "某银行信用卡中心" and forwarded["rows"] == "[9]"
    assert REGULATOR_TEXT in forwarded["values"]
    excerpt = next(
        p.read_text("utf-8") for p in (court_dir / "excerpts").iterdir() if "TS20240000" in p.name
    )
    assert f"Also stated by {REGULATOR}, forwarded for 某银行信用卡中心" in excerpt
    assert excerpt.index(TEXTS[0]) < excerpt.index(REGULATOR_TEXT)


def test_a_partner_package_leaves_out_what_other_organisations_said(partner_dir: Path) -> None:
    everything = "\n".join(
        p.read_text("utf-8", errors="replace") for p in partner_dir.rglob("*") if p.is_file()
        and p.suffix in {".csv", ".txt", ".json", ".graphml", ".anx", ".svg"}
    )  # fmt: skip
    assert REGULATOR_TEXT not in everything and "13512345678" not in everything
    assert TEXTS[7] not in everything  # the regulator's complaint: its values are not the org's
    rows = list(
        csv.DictReader(io.StringIO((partner_dir / "statements.csv").read_text("utf-8-sig")))
    )
    assert rows and {row["org"] for row in rows} == {"某银行信用卡中心"}
    redactions = (partner_dir / "redactions.txt").read_text("utf-8")
    assert "statements of other organisations (left out)" in redactions
    assert "values stated by other organisations (left out)" in redactions
