"""``verify`` hashes a package a block at a time within the caps of ``graph/core/limits.py``: an
entry that does not unpack is changed, and what is past a cap is not read and is a problem."""

from __future__ import annotations

import dataclasses
import shutil
import zipfile
from pathlib import Path

import pytest
from test_export import KEY, T1, TRUSTED, sample_bundle

from graph.core.limits import FILE_LIMITS
from graph.export import verify
from graph.export.package import export_package
from graph.export.verify import verify_package


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("package")
    return export_package(sample_bundle(), out, fmt="zip", user="u", now=T1, key=KEY).path


def copy(package: Path, tmp_path: Path) -> Path:
    return Path(shutil.copyfile(package, tmp_path / package.name))


def test_an_entry_that_does_not_unpack_is_changed(package: Path, tmp_path: Path) -> None:
    broken = copy(package, tmp_path)
    with zipfile.ZipFile(broken) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith("/entities.csv"))
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data = bytearray(broken.read_bytes())
    for at in range(start + 10, start + min(info.compress_size, 60)):
        data[at] ^= 0xFF
    broken.write_bytes(bytes(data))
    result = verify_package(broken, trusted=TRUSTED)
    assert not result.intact and result.signature_valid
    assert result.changed == ["entities.csv"]
    assert any(p.startswith("entities.csv cannot be read: ") for p in result.problems)


def test_past_the_total_cap_files_are_not_read(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert verify_package(package, trusted=TRUSTED).intact
    caps = dataclasses.replace(FILE_LIMITS, package_max_total_bytes=1_000)
    monkeypatch.setattr(verify, "FILE_LIMITS", caps)
    result = verify_package(package, trusted=TRUSTED)
    assert not result.intact and result.signature_valid and not result.changed
    skipped = [p for p in result.problems if "was not read: the package's files unpack" in p]
    assert skipped and result.files_checked > 0  # the first files fit under the cap


def test_a_manifest_past_its_cap_is_not_read(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    caps = dataclasses.replace(FILE_LIMITS, package_max_manifest_bytes=10)
    monkeypatch.setattr(verify, "FILE_LIMITS", caps)
    result = verify_package(package, trusted=TRUSTED)
    assert not result.intact and not result.signature_valid
    assert "manifest.json" in result.changed
    assert any(p.startswith("manifest.json cannot be read: it is ") for p in result.problems)
