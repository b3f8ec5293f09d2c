"""Two installations in one test process: each has its own state folder and Neo4j server;
settings are read from the environment when used, so a test acts as one installation inside
``with installation.acting():`` (its ``LEADGRAPH_HOME`` and alliance name set for the block)."""

from __future__ import annotations

import base64
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from support import write

from graph.alliance import files, identity
from graph.core import keys, settings
from graph.core.clock import utc_now
from graph.db.schema import wipe_data
from graph.db.store import GraphStore
from ingest.submit import submit_file


@dataclass
class Installation:
    name: str
    config: settings.Settings
    store: GraphStore

    @contextmanager
    def acting(self) -> Iterator[GraphStore]:
        """The environment of this installation for the block."""
        saved = {k: os.environ.get(k) for k in ("LEADGRAPH_HOME", "LEADGRAPH_ALLIANCE_NAME")}
        os.environ["LEADGRAPH_HOME"] = str(self.config.home)
        os.environ["LEADGRAPH_ALLIANCE_NAME"] = self.name
        try:
            yield self.store
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    def reset(self) -> None:
        """An empty database and no alliance runs in the state folder."""
        wipe_data(self.store, self.config)
        shutil.rmtree(self.config.home / "alliance", ignore_errors=True)

    def load_phones(self, folder: Path, numbers: list[str], org: str) -> None:
        """Ingest ``numbers`` as one org's phone list, through the real ingest."""
        rows = "".join(f"{number},催收\n" for number in numbers)
        path = write(folder / f"{self.name}-{org}.csv", "phone,label\n" + rows)
        with self.acting():
            submit_file(self.store, "phones", path, org=org, config=self.config)

    def identity_file(self) -> bytes:
        """This installation's public identity file (created on first use)."""
        with self.acting():
            return identity_file(identity.load_or_create())

    def own(self) -> identity.Identity:
        with self.acting():
            return identity.load_or_create()

    def target(self) -> str:
        """The audit target under which other installations log this one: its fingerprint."""
        with self.acting():
            return f"alliance:{identity.load_or_create().fingerprint}"

    def trust(self, data: bytes, name: str) -> identity.TrustedIdentity:
        """Trust the identity file ``data`` here under ``name``."""
        with self.acting():
            return identity.trust(data, name)


def identity_file(own: identity.Identity) -> bytes:
    return json.dumps(identity.public_identity(own)).encode()


def introduce(*installations: Installation) -> None:
    """Each installation trusts each other one under its name, as ``alliance trust`` would after
    the fingerprints were compared out of band."""
    for here in installations:
        for other in installations:
            if other is not here:
                here.trust(other.identity_file(), other.name)


def stranger(name: str) -> identity.Identity:
    """An identity kept nowhere: another institution's installation, as a hostile test plays it."""
    return identity.Identity(
        X25519PrivateKey.generate(), keys.SigningKey.generate(), name, utc_now()
    )


def signed(path: Path, data: dict, signer: identity.Identity) -> Path:
    """``data`` (an alliance file's fields, changed at will) signed by ``signer`` into ``path``:
    what a member holding its own key can make."""
    data = {**data, "sender_fingerprint": signer.fingerprint}
    signature = signer.signing.sign(files.canonical(data))
    data["signature"] = base64.b64encode(signature).decode()
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
