"""The one wrapper of the PSI library: OpenMined's ``openmined-psi`` (ECDH over P-256).

The asking side is the protocol's *client*, the answering side its *server*:

1. the client blinds each item with its secret key ``a``: ``H(x)^a`` (the request);
2. the server blinds the client's points again, ``H(x)^ab`` (the response), and sends its own
   items blinded with its key ``b``, ``H(y)^b``, in a Golomb-compressed set (the setup);
3. the client removes ``a`` from its points and looks them up in the server's set.

The server sees only points blinded with a key it does not know, so it learns the request's
size and nothing else — not the matches, not their count. In cardinality mode the server
shuffles its answer, so the client learns only how many of its items match. Nothing here is
our own cryptography: this module only moves the library's messages to and from bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

import private_set_intersection.python as psi

PROTOCOL = "openmined-psi/ecdh-p256-gcs"
# The chance that a whole run reports one false match (the setup's Golomb-compressed set).
FALSE_POSITIVE_RATE = 1e-9
MODES = ("cardinality", "intersection")


@dataclass(frozen=True)
class Request:
    """The client's request and the secret key that made it (which never leaves its state)."""

    message: bytes
    key: bytes


@dataclass(frozen=True)
class Answer:
    """The server's two messages: its own blinded set and the client's points blinded again."""

    setup: bytes
    response: bytes


def _reveals(mode: str) -> bool:
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}: one of {', '.join(MODES)}")
    return mode == "intersection"


def make_request(items: list[str], mode: str) -> Request:
    """Blind ``items`` under a new secret key."""
    client = psi.client.CreateWithNewKey(_reveals(mode))
    return Request(client.CreateRequest(items).SerializeToString(), client.GetPrivateKeyBytes())


def request_size(message: bytes) -> tuple[int, int]:
    """(points, distinct points) of a request: counted, not taken from what the sender says."""
    request = psi.Request()
    request.ParseFromString(message)
    points = list(request.encrypted_elements)
    return len(points), len(set(points))


def answer(message: bytes, items: list[str], mode: str) -> Answer:
    """Answer a request with ``items`` under a new secret key, forgotten when this returns."""
    server = psi.server.CreateWithNewKey(_reveals(mode))
    request = psi.Request()
    request.ParseFromString(message)
    size = len(request.encrypted_elements)
    setup = server.CreateSetupMessage(FALSE_POSITIVE_RATE, size, items, psi.DataStructure.GCS)
    return Answer(setup.SerializeToString(), server.ProcessRequest(request).SerializeToString())


def finish(key: bytes, mode: str, answer: Answer) -> list[int] | int:
    """The indexes (into the client's items) that match, or in cardinality mode their number."""
    client = psi.client.CreateFromKey(key, _reveals(mode))
    setup = psi.ServerSetup()
    setup.ParseFromString(answer.setup)
    response = psi.Response()
    response.ParseFromString(answer.response)
    if mode == "intersection":
        return sorted(client.GetIntersection(setup, response))
    return int(client.GetIntersectionSize(setup, response))
