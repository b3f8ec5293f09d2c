"""The slang scanner's index cache. It used to be a pickle, and a pickle runs code when it is
loaded; it is now JSON (loading it runs nothing), and still an index that another local user could
have written (a folder or file writable by others) is never read — it could hide slang from every
scan — the scanner rebuilds instead. A planted pickle under the old name is never unpickled."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from graph.text import slang_index
from graph.text.lexicon import load_lexicon
from graph.text.slang import Detector


class Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (self.marker, "ran"))  # type: ignore[return-value]


def planted(folder: Path, name: str, data: bytes, mode: int) -> Path:
    cache = folder / "cache"
    cache.mkdir(parents=True)
    path = cache / name
    path.write_bytes(data)
    cache.chmod(mode)
    return path


def test_a_planted_pickle_is_never_unpickled(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    path = planted(home, "slang-0123456789abcdef.pickle", pickle.dumps(Payload(marker)), 0o700)
    path.chmod(0o600)
    assert slang_index.load(path, "0123456789abcdef") is None
    assert not marker.exists()


def test_an_index_others_could_write_is_never_read(tmp_path: Path) -> None:
    """A hostile local user plants an index that knows no term: a shared folder's copy is refused
    and the scanner still finds the term."""
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    lexicon = load_lexicon()
    good = tmp_path / "good" / "slang.json"
    Detector(lexicon, cache_file=good)
    document = json.loads(good.read_text(encoding="utf-8"))
    document["patterns"] = "xxxxxxxx"
    document["pattern_specs"] = "0"
    path = planted(home, "slang.json", json.dumps(document).encode(), 0o777)
    assert slang_index.load(path, "custom") is None
    assert [h.term for h in Detector(lexicon, cache_file=path).scan("征信花了")] == ["征信"]
