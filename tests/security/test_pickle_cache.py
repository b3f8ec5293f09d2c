"""The slang scanner's compiled cache is a pickle, and a pickle runs code when it is loaded: a
cache that another local user could have written (a folder or file writable by others) is never
read — the scanner rebuilds instead."""

from __future__ import annotations

import pickle
from pathlib import Path

from graph.text.slang import _load_cache


class Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (self.marker, "ran"))  # type: ignore[return-value]


def planted(folder: Path, marker: Path, mode: int) -> Path:
    cache = folder / "cache"
    cache.mkdir(parents=True)
    path = cache / "slang-0123456789abcdef.pickle"
    path.write_bytes(pickle.dumps(Payload(marker)))
    cache.chmod(mode)
    return path


def test_a_cache_others_could_write_is_never_loaded(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    path = planted(home, marker, 0o777)
    assert _load_cache(path) is None
    assert not marker.exists()


def test_a_private_cache_is_loaded(tmp_path: Path) -> None:
    """The same file in a private folder is read (and, being no compiled scanner, refused)."""
    marker = tmp_path / "ran"
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    path = planted(home, marker, 0o700)
    path.chmod(0o600)
    assert _load_cache(path) is None  # not a compiled scanner tuple
    assert marker.exists()  # it was unpickled: the check is what stopped the other one
