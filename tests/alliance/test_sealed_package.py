"""A lead shared with another institution leaves sealed to that installation: only it opens the
package, knows who sealed it, and the package then passes `leadgraph verify` there.

Three installations, three state folders: A (the exporter), B (the recipient), C (another
member of the alliance, and the attacker). They share the test's one Neo4j server, as three
databases would look to these commands; each command runs with its own installation's state
folder (``LEADGRAPH_HOME``), where its keys and trust live. Each attack is played with what
its attacker has: the sealed file, their own installation and its commands, public identities.
"""

from __future__ import annotations

import base64
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from support import CONTACT_ORG, WECHAT, one_contact_ring

from app.cli import main
from graph import views
from graph.alliance import identity as alliance
from graph.core import keys, settings
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.export import sealed as sealing
from graph.workflow import audit, users
from graph.workflow.auth import Forbidden, Principal
from graph.workflow.lifecycle import accept_lead

ANALYST = Principal("analyst_a", "analyst", CONTACT_ORG, "enterprise")
STRANGER = Principal("analyst_x", "analyst", "其他机构", "enterprise")
ADMIN = Principal("admin", "admin", None, None)

Use = Callable[[str], settings.Settings]


@pytest.fixture
def use(store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Use]:
    """``use("A")`` makes installation A's state folder the current one (for the library and
    the command line alike), all three over the test's Neo4j server."""
    server = settings.load()
    user, password = server.credentials()
    monkeypatch.setenv("NEO4J_URI", server.bolt_uri())
    monkeypatch.setenv("NEO4J_USER", user)
    monkeypatch.setenv("NEO4J_PASSWORD", password)

    def switch(name: str) -> settings.Settings:
        monkeypatch.setenv("LEADGRAPH_HOME", str(tmp_path / f"home-{name}"))
        return settings.load()

    yield switch


@pytest.fixture
def world(store: GraphStore, tmp_path: Path, use: Use) -> dict[str, Any]:
    """A lead on A, owned by ANALYST's org; A, B and C with identities; A and B trust each
    other, C trusts A and B (a member of the alliance), neither A nor B trusts C."""
    ids: dict[str, Path] = {}
    for name in "ABC":
        use(name)
        ids[name] = alliance.write_public_identity(
            alliance.load_or_create(name=f"机构{name}"), tmp_path / f"{name}.identity.json"
        )
    for me, others in (("A", "B"), ("B", "A"), ("C", "AB")):
        use(me)
        for other in others:
            alliance.trust(ids[other].read_bytes(), other)
    use("A")
    found = one_contact_ring(store, tmp_path / "clues")
    lead = str(next(lead["id"] for lead in found["leads"] if WECHAT in lead["entities"]))
    users.add_org(store, CONTACT_ORG, "enterprise", exist_ok=True)
    users.add_user(store, ANALYST.username, role="analyst", org=CONTACT_ORG, password_hash="x")
    accept_lead(store, ANALYST, lead, "ours")
    return {"lead": lead, "ids": ids, "folder": tmp_path}


def sealed_to_b(store: GraphStore, world: dict[str, Any], use: Use) -> dict[str, Any]:
    use("A")
    return views.seal_lead(store, ANALYST, world["lead"], "B", world["folder"] / "outbox")


def test_a_package_sealed_to_b_opens_at_b_and_verifies(
    store: GraphStore, world: dict[str, Any], use: Use
) -> None:
    sent = sealed_to_b(store, world, use)
    assert Path(sent["path"]).name.endswith(sealing.SUFFIX)
    assert [p.name for p in (world["folder"] / "outbox").iterdir()] == [Path(sent["path"]).name]
    use("B")
    got = sealing.open_and_audit(store, Path(sent["path"]), world["folder"] / "inbox",
                                 actor="analyst_b", via="test")  # fmt: skip
    assert got.package_sha256 == sent["package_sha256"] and got.lead_id == world["lead"]
    assert got.sender == "A" and got.sender_fingerprint == sent["sender_fingerprint"]
    assert main(["verify", got.path]) == 0  # B trusts A's signing key through A's identity
    with zipfile.ZipFile(got.path) as archive:
        [name] = [n for n in archive.namelist() if n.endswith("/manifest.json")]
        manifest = json.loads(archive.read(name))
    assert manifest["lead_id"] == world["lead"] and manifest["audience"] == "partner"


def test_another_installation_cannot_open_it(
    store: GraphStore, world: dict[str, Any], use: Use
) -> None:
    sent = Path(sealed_to_b(store, world, use)["path"])
    use("C")  # C trusts A, holds the file, and tries
    with pytest.raises(UserError, match="not to this one"):
        sealing.open_and_audit(store, sent, world["folder"] / "c", actor="analyst_c", via="test")
    # naming itself as the recipient breaks A's signature
    data = sent.read_bytes()
    b_fingerprint = sealing.parse_sealed(data).recipient
    c_fingerprint = alliance.load_or_create().fingerprint
    renamed = data.replace(b_fingerprint.encode(), c_fingerprint.encode())
    with pytest.raises(UserError, match="signature of 'A' does not verify"):
        sealing.unseal(renamed)
    assert not (world["folder"] / "c").exists() or not list((world["folder"] / "c").iterdir())
    [refused] = audit.entries(store, 10, actor="analyst_c", action="alliance_open_refused")
    assert refused.details["recipient_fingerprint"] == b_fingerprint
    assert "not to this one" in refused.details["reason"]


def test_a_flipped_byte_anywhere_is_refused(
    store: GraphStore, world: dict[str, Any], use: Use
) -> None:
    data = Path(sealed_to_b(store, world, use)["path"]).read_bytes()
    use("B")
    assert sealing.unseal(data)[0]  # the file as sealed opens
    head = len(sealing.MAGIC) + 4 + len(sealing.parse_sealed(data).header_bytes)
    body = range(head, len(data) - 128, max(1, (len(data) - head) // 200))
    positions = sorted({*range(head + 64), *body, *range(len(data) - 128, len(data))})
    opened = []
    for at in positions:
        for bit in (0x01, 0x80):
            changed = bytearray(data)
            changed[at] ^= bit
            try:
                sealing.unseal(bytes(changed))
            except UserError:
                continue
            opened.append(at)
    assert not opened, f"opened with a flipped byte at {opened[:10]}"
    with pytest.raises(UserError):
        sealing.unseal(data + b"\0")
    with pytest.raises(UserError):
        sealing.unseal(data[:-1])


def test_the_tag_is_checked_even_under_a_valid_signature(
    store: GraphStore, world: dict[str, Any], use: Use
) -> None:
    """Only the sender could sign a changed ciphertext; the AEAD tag still refuses it."""
    data = Path(sealed_to_b(store, world, use)["path"]).read_bytes()
    a_key = keys.load_or_create(use("A"))
    parts = sealing.parse_sealed(data)
    broken = bytearray(parts.signed)
    broken[-1] ^= 1  # the tag's last byte
    resigned = bytes(broken) + a_key.sign(bytes(broken))
    use("B")
    with pytest.raises(UserError, match="does not decrypt"):
        sealing.unseal(resigned)


def test_a_package_from_an_untrusted_sender_is_refused(
    store: GraphStore, world: dict[str, Any], use: Use
) -> None:
    use("C")  # C exports its own (its own key's) package of the lead and seals it to B
    exported = views.export_lead(store, ADMIN, world["lead"], world["folder"] / "c-out")
    out = world["folder"] / "from-c.lgsealed"
    sealing.seal_and_audit(store, Path(exported["path"]), "B", out, actor="admin_c", via="test")
    use("B")
    with pytest.raises(UserError, match="does not trust"):
        sealing.open_and_audit(store, out, world["folder"] / "b", actor="analyst_b", via="test")
    [refused] = audit.entries(store, 10, actor="analyst_b", action="alliance_open_refused")
    assert refused.details["claimed_sender"] == "机构C"


def test_a_member_that_reseals_anothers_package_is_refused(
    store: GraphStore, world: dict[str, Any], use: Use
) -> None:
    """C holds A's plain package (A shared it with C) and passes it on to B as if from A."""
    use("A")
    alliance.trust(world["ids"]["C"].read_bytes(), "C")
    to_c = views.seal_lead(store, ANALYST, world["lead"], "C", world["folder"] / "to-c")
    c = use("C")
    plain = Path(sealing.open_sealed(Path(to_c["path"]), world["folder"] / "c-in").path)
    # C cannot seal what its own installation did not sign
    with pytest.raises(UserError, match="not an intact package signed by this installation"):
        sealing.seal_file(plain, "B", world["folder"] / "x.lgsealed")
    b_identity = alliance.find_trusted("B").identity
    a_fingerprint = alliance.find_trusted("A").fingerprint
    own = alliance.load_or_create(c)
    as_a = SimpleNamespace(name="机构A", fingerprint=a_fingerprint, signing=own.signing)
    forged = sealing.seal_bytes(plain.read_bytes(), b_identity, as_a)  # type: ignore[arg-type]
    in_own_name = sealing.seal_bytes(plain.read_bytes(), b_identity, own)
    use("B")
    with pytest.raises(UserError, match="signature of 'A' does not verify"):
        sealing.unseal(forged)
    with pytest.raises(UserError, match="does not trust"):
        sealing.unseal(in_own_name)
    # even trusted by B, C cannot pass A's package off as its own: the package's signer must
    # be the installation that sealed it
    alliance.trust(world["ids"]["C"].read_bytes(), "C")
    path = world["folder"] / "c-own.lgsealed"
    path.write_bytes(in_own_name)
    with pytest.raises(UserError, match="not intact and signed by 'C'"):
        sealing.open_sealed(path, world["folder"] / "b-in")
    assert not list((world["folder"] / "b-in").iterdir())


def test_only_who_may_export_the_lead_may_seal_it(
    store: GraphStore, world: dict[str, Any], use: Use
) -> None:
    use("A")
    with pytest.raises(Forbidden):
        views.seal_lead(store, STRANGER, world["lead"], "B", world["folder"] / "x")
    with pytest.raises(UserError, match="no trusted installation 'D'"):
        views.seal_lead(store, ANALYST, world["lead"], "D", world["folder"] / "x")
    assert not audit.entries(store, 10, action="export")  # refused before any export
    assert not audit.entries(store, 10, action="alliance_seal")


def _private_forms(home: settings.Settings) -> dict[str, bytes]:
    """Every installation private key, in the forms a leak could take."""
    own = alliance.load_or_create(home)
    forms: dict[str, bytes] = {}
    for name, key in (("x25519", own.private), ("ed25519", own.signing.private)):
        raw = key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )  # fmt: skip
        forms[f"{name} raw"] = raw
        forms[f"{name} base64"] = base64.b64encode(raw)
        forms[f"{name} hex"] = raw.hex().encode()
        forms[f"{name} pem"] = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )  # fmt: skip
    return forms


def test_no_private_key_leaves_and_both_sides_audit(
    store: GraphStore, world: dict[str, Any], use: Use
) -> None:
    sent = sealed_to_b(store, world, use)
    use("B")
    got = sealing.open_and_audit(store, Path(sent["path"]), world["folder"] / "inbox",
                                 actor="analyst_b", via="test")  # fmt: skip
    leaving = [*world["ids"].values(), Path(sent["path"]), Path(got.path)]
    for name in "ABC":
        home = use(name)
        key_file = home.home / "alliance" / "identity" / alliance.PRIVATE_FILE
        assert key_file.stat().st_mode & 0o777 == 0o600
        for form, secret in _private_forms(home).items():
            for path in leaving:
                assert secret not in path.read_bytes(), f"{name}'s {form} in {path.name}"
    # the audit: A's seal and B's opening name the same package and both fingerprints
    [sealed] = audit.entries(store, 10, actor=ANALYST.username, action="alliance_seal")
    [opened] = audit.entries(store, 10, actor="analyst_b", action="alliance_open")
    assert sealed.target == f"lead:{world['lead']}"
    assert opened.details["lead_id"] == world["lead"]
    for field in ("package_sha256", "sealed_sha256", "package_id"):
        assert sealed.details[field] == opened.details[field]
    assert sealed.details["recipient_fingerprint"] == opened.details["recipient_fingerprint"]
    assert sealed.details["sender_fingerprint"] == opened.details["sender_fingerprint"]
    assert audit.entries(store, 10, actor=ANALYST.username, action="export")


def test_the_commands(
    store: GraphStore, world: dict[str, Any], use: Use, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = world["folder"]
    use("A")
    assert main(["alliance", "identity", "--out", str(folder / "a2.json"), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["fingerprint"] == alliance.load_or_create().fingerprint
    exported = views.export_lead(store, ANALYST, world["lead"], folder / "plain")
    sealed = folder / "to-b.lgsealed"
    assert main(["alliance", "seal", exported["path"], "--to", "B", "--out", str(sealed)]) == 0
    use("B")
    capsys.readouterr()
    assert main(["alliance", "trust", str(folder / "a2.json"), "--name", "A"]) == 0
    assert keys.group_fingerprint(shown["fingerprint"]) in capsys.readouterr().out
    assert main(["alliance", "open", str(sealed), "--out", str(folder / "in"), "--json"]) == 0
    opened = json.loads(capsys.readouterr().out)
    assert main(["verify", opened["path"]]) == 0
    assert main(["alliance", "open", str(sealed), "--out", str(folder / "in")]) == 1  # exists
    use("C")
    assert main(["alliance", "open", str(sealed), "--out", str(folder / "c")]) == 1
    assert "not to this one" in capsys.readouterr().err
