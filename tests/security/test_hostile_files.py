"""Hostile files: small on the wire, enormous to read (issue 15, point 4).

The attacks, as an analyst's upload or a package handed to a court would carry them:

* a 1.5 KB workbook whose sheet declares ``A1:XFD1048576`` and holds one cell, in the last row:
  the Submit page's preview, which starts on upload inside the Streamlit server, walked a
  million rows of sixteen thousand cells each (~22 minutes of CPU);
* a sheet that numbers its one row past Excel's last, so that even without the declared
  dimension the reader walks the empty rows in front of it;
* a workbook whose shared strings are a zip bomb (1 GiB of text packed into a few MB):
  openpyxl reads that part whole;
* a court package holding a 1 GiB entry of zeros: ``verify`` read every entry into memory.

Each is replayed as the attacker would: the upload through the Submit page (AppTest), the file
through the reader the page calls, the package through ``leadgraph verify``. Where the old code
would run for minutes or exhaust memory, the test runs it in a child process with a CPU-time or
address-space limit, so the old code fails the test instead of hanging it; no timer is asserted.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from support import ROOT

from app.i18n import translate
from app.views import submit
from graph.core.keys import SigningKey
from graph.core.limits import FILE_LIMITS
from graph.db.store import GraphStore
from graph.export.manifest import MANIFEST, SIGNATURE, signature_file
from graph.export.package import export_package
from graph.workflow import users
from graph.workflow.auth import Principal
from ingest.bounded import Budget

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "export"))
from test_export import T1, sample_bundle  # the court-package test's lead bundle

ORG = "星河消费金融"
GiB = 1 << 30
MiB = 1 << 20

# --- building the files -----------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPES}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPES}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_TYPES}.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def sheet(dimension: str | None, rows: str) -> str:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<worksheet xmlns="{_MAIN}">{declared}<sheetData>{rows}</sheetData></worksheet>'


def workbook(path: Path, sheet_xml: str, strings: Callable[[zipfile.ZipFile], None]) -> Path:
    """A workbook as a hand would write it: the parts above, the sheet, the shared strings."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        strings(archive)
    return path


def few_strings(archive: zipfile.ZipFile) -> None:
    archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{_MAIN}"><si><t>x</t></si></sst>')


def packed(archive: zipfile.ZipFile, name: str, size: int, head: bytes = b"",
           fill: bytes = b"\0", tail: bytes = b"") -> None:  # fmt: skip
    """An entry of ``size`` bytes, nearly all ``fill``, streamed in: packed a few hundred times."""
    block = fill * MiB
    with archive.open(name, "w", force_zip64=True) as out:
        out.write(head)
        left = size - len(head) - len(tail)
        while left > 0:
            out.write(block[: min(left, len(block))])
            left -= len(block)
        out.write(tail)


def cell_at_the_bottom(tmp_path: Path) -> Path:
    """1.5 KB: every cell declared, one cell held, in the last row Excel has."""
    last = 1_048_576
    rows = f'<row r="{last}"><c r="A{last}" t="inlineStr"><is><t>投诉编号</t></is></c></row>'
    path = workbook(tmp_path / "bottom.xlsx", sheet("A1:XFD1048576", rows), few_strings)
    assert path.stat().st_size < 2_000
    return path


# --- reading in a child held to a limit -------------------------------------------------------

READ = """
import sys
from graph.core.errors import UserError
from ingest.read import open_table
try:
    with open_table(sys.argv[1]) as table:
        print("read", table.headers, sum(1 for _ in table.rows()))
except UserError as error:
    print("refused:", error)
"""


def in_child(script: str, *args: str, cpu_seconds: int = 60,
             memory: int | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """Run ``script`` in a new Python whose CPU time (and address space) the kernel limits: code
    that would spin for minutes or take gigabytes is stopped there, and the test fails."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=limit,
        timeout=cpu_seconds * 3,
    )


def test_a_row_numbered_past_excels_last_is_refused_at_excels_last(tmp_path: Path) -> None:
    """With no dimension declared (or it ignored) the empty rows in front of a row are still
    walked: one row numbered ten billion would take hours. The count stops at Excel's last."""
    far = 10_000_000_000
    rows = f'<row r="{far}"><c r="A{far}" t="inlineStr"><is><t>x</t></is></c></row>'
    path = workbook(tmp_path / "far.xlsx", sheet(None, rows), few_strings)
    run = in_child(READ, str(path))
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.startswith("refused: far.xlsx:"), run.stdout
    assert f"{FILE_LIMITS.xlsx_max_rows:,}" in run.stdout


def test_a_shared_strings_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    """1 GiB of shared strings packed a few hundred times over: refused from the zip's
    directory, in a reader allowed 1 GiB of address space (the old one read the part whole)."""

    def bomb(archive: zipfile.ZipFile) -> None:
        head = f'<sst xmlns="{_MAIN}"><si><t>'.encode()
        packed(archive, "xl/sharedStrings.xml", GiB, head, b"a", b"</t></si></sst>")

    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    path = workbook(tmp_path / "bomb.xlsx", sheet("A1:A1", rows), bomb)
    assert path.stat().st_size < 10 * MiB
    run = in_child(READ, str(path), memory=GiB)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.startswith("refused: bomb.xlsx: the part 'xl/sharedStrings.xml'"), run.stdout
    assert "1.0 GiB" in run.stdout and "zip bomb" in run.stdout


# --- the Submit page --------------------------------------------------------------------------


def submit_page(store: GraphStore) -> AppTest:
    users.add_org(store, ORG, "enterprise")
    users.add_user(store, "analyst_h", role="analyst", org=ORG, password_hash="x")
    at = AppTest.from_string(
        "from app.views.submit import submit_page\nsubmit_page()\n", default_timeout=120
    )
    at.session_state["principal"] = Principal("analyst_h", "analyst", ORG, "enterprise")
    at.run()
    assert not at.exception, at.exception
    return at


class GaveUp(Exception):
    pass


@contextlib.contextmanager
def give_up_after(seconds: int) -> Iterator[None]:
    """Fail the test after ``seconds`` (SIGALRM): a page that spins in a loop without a Streamlit
    call cannot be stopped by AppTest, whose own time limit then waits for it to end."""

    def fail(signum: int, frame: object) -> None:
        raise GaveUp(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_the_submit_page_reads_a_sheet_that_declares_every_cell(
    store: GraphStore, tmp_path: Path
) -> None:
    """The attack of the issue through the page: the upload is guessed and previewed at once.
    The old reader padded every row to the declared width and looked at every cell (the
    test gives up after five minutes); now the one row held is read as the header of a
    complaints file with no rows."""
    path = cell_at_the_bottom(tmp_path)
    at = submit_page(store)
    with give_up_after(300):
        at.file_uploader[0].upload(path.name, path.read_bytes()).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert [s.value for s in at.selectbox] == ["complaints"]  # guessed from the one header
    counts = [m.value for m in at.metric]  # rows read, accepted, quarantined; values dropped
    assert len(counts) >= 3 and set(counts) == {"0"}, counts


def test_the_submit_preview_runs_in_a_child_held_to_its_limits(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever a file costs past its caps, the page's preview is a child the kernel stops: here
    an honest 100,000-row file (some five CPU seconds of checking, ten times that cold) against
    a budget of one CPU second. The page shows why, and the file cannot be ingested."""
    rows = ["投诉编号,投诉日期,被投诉机构,联系电话,投诉内容"]
    rows += [
        f"C{i:07d},2025-06-01,某银行,137{i:08d},对方自称可以协商还款停息挂账，收取服务费{i}元"
        for i in range(100_000)
    ]
    data = ("\n".join(rows) + "\n").encode()
    # raising=False: before the fix the page had no budget at all (and read the file itself)
    monkeypatch.setattr(submit, "PREVIEW_BUDGET", Budget(1, GiB, 120), raising=False)
    at = submit_page(store)
    at.file_uploader[0].upload("many.csv", data, "text/csv").run()
    assert not at.exception, at.exception
    stopped = translate("submit.stopped_cpu", "zh").format(limit=1)
    assert [e.value for e in at.error] == [f"{translate('common.failed', 'zh')}: {stopped}"]
    assert not [b for b in at.button if b.key == "submit_ingest"]  # nothing to ingest


# --- a court package ----------------------------------------------------------------------------


Bomb = tuple[Path, dict[str, bytes], SigningKey]


@pytest.fixture(scope="module")
def package_with_a_bomb(tmp_path_factory: pytest.TempPathFactory) -> Bomb:
    """A real package (zip) whose entities.csv is swapped for 1 GiB of zeros, without its
    manifest and signature (each test adds its own); the original files; the exporter's key."""
    folder = tmp_path_factory.mktemp("bomb")
    key = SigningKey.generate()
    original = export_package(sample_bundle(), folder / "out", fmt="zip", user="u", now=T1, key=key)
    files: dict[str, bytes] = {}
    with zipfile.ZipFile(original.path) as source:
        top = source.namelist()[0].split("/", 1)[0]
        for name in source.namelist():
            files[name.split("/", 1)[1]] = source.read(name)
    bomb = folder / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in sorted(files.items()):
            if name == "entities.csv":
                packed(archive, f"{top}/{name}", GiB)
            elif name not in (MANIFEST, SIGNATURE):
                archive.writestr(f"{top}/{name}", data)
    assert bomb.stat().st_size < 10 * MiB
    return bomb, files, key


def verify_in_child(package: Path, key: SigningKey) -> subprocess.CompletedProcess[str]:
    """``leadgraph verify`` as a court runs it, believing the signer's key, allowed 1 GiB of
    address space (the old verify held every entry in memory)."""
    script = "import sys\nfrom app.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    fingerprint = key.public.fingerprint
    return in_child(script, "verify", str(package), "--expect-fingerprint", fingerprint, memory=GiB)


def with_manifest(bomb: Path, out: Path, manifest: bytes, key: SigningKey) -> Path:
    shutil.copyfile(bomb, out)
    with zipfile.ZipFile(out, "a") as archive:
        top = archive.namelist()[0].split("/", 1)[0]
        archive.writestr(f"{top}/{MANIFEST}", manifest)
        archive.writestr(f"{top}/{SIGNATURE}", signature_file(manifest, key))
    return out


def test_verify_does_not_unpack_a_bomb_its_manifest_lists(
    package_with_a_bomb: Bomb, tmp_path: Path
) -> None:
    """The forger lists the 1 GiB entry in a manifest they sign, so the sizes agree: the entry
    is larger than any package file, is not read, and the package is NOT INTACT for that."""
    bomb, files, _ = package_with_a_bomb
    forger = SigningKey.generate()
    manifest = json.loads(files[MANIFEST])
    manifest["signature"]["public_key"] = base64.b64encode(forger.public.raw).decode()
    manifest["signature"]["key_fingerprint"] = forger.public.fingerprint
    for entry in manifest["files"]:
        if entry["path"] == "entities.csv":
            entry["size"] = GiB
    package = with_manifest(bomb, tmp_path / "listed.zip", json.dumps(manifest).encode(), forger)
    run = verify_in_child(package, forger)
    assert run.returncode == 1, run.stderr[-2000:]
    assert run.stdout.startswith("NOT INTACT"), run.stdout + run.stderr[-2000:]
    assert "signature valid" in run.stdout
    assert "problem: entities.csv was not read: it unpacks to 1.0 GiB, more than the" in run.stdout


def test_verify_compares_sizes_before_it_unpacks(package_with_a_bomb: Bomb, tmp_path: Path) -> None:
    """The bomb under the exporter's own signature: the manifest's size for entities.csv is not
    the zip's, so the entry is changed without a byte of it being unpacked."""
    bomb, files, key = package_with_a_bomb
    package = with_manifest(bomb, tmp_path / "swapped.zip", files[MANIFEST], key)
    run = verify_in_child(package, key)
    assert run.returncode == 1, run.stderr[-2000:]
    assert run.stdout.startswith("NOT INTACT"), run.stdout + run.stderr[-2000:]
    assert "signature valid" in run.stdout
    assert "changed: entities.csv" in run.stdout
