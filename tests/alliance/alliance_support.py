"""Two installations in one test process: each has its own state folder and Neo4j server;
settings are read from the environment when used, so a test acts as one installation inside
``with installation.acting():`` (its ``LEADGRAPH_HOME`` and alliance name set for the block)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from support import write

from graph.core import settings
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
