"""Private set intersection between installations, by files: request, respond, finish.

The asking side (:func:`make_request`) blinds its set and keeps the run's secret key and item
list in its state folder; the answering side (:func:`respond`) answers with its own set; the
asking side (:func:`finish`) reads the answer: the matched keys (intersection mode) or only
their number (cardinality mode). The answering side learns the request's size and nothing else
— not which items match, not how many — unless the asking side sends the count back in a
receipt (:func:`write_receipt`, :func:`import_receipt`).

Guardrails: a minimum set size on both sides, a daily cap of answers per counterpart on the
answering side, and on the asking side a refusal (without ``force``) of a set that differs from
an earlier one to the same counterpart by a few items. Every step and every refusal is audited
with the run id and the set sizes, never with an item.

Every file is signed by the sending installation's identity (:mod:`graph.alliance.files`), and
read only from an installation trusted here: the counterpart is known by its identity's
fingerprint — the audit entries' target is ``alliance:<fingerprint>``, so the daily cap counts
by the key that signed, not by a name a file claims — and by the name given to it here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

from graph.alliance import files, identity, protocol, runs
from graph.alliance.matches import record_matches
from graph.alliance.sets import collect
from graph.core import settings
from graph.core.clock import format_time, utc_now
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.workflow import audit
from graph.workflow.auth import Forbidden, Principal

RESPONSES_SINCE = """
MATCH (e:AuditEntry {action: 'alliance_respond'})
WHERE e.target = $target AND e.at >= $since
RETURN count(e) AS n
"""

RESPONDED_RUN = """
MATCH (e:AuditEntry {action: 'alliance_respond'})
WHERE e.target = $target AND e.details CONTAINS $run
RETURN count(e) AS n
"""


def _target(fingerprint: str) -> str:
    """The audit target of a counterpart: its identity's fingerprint, which a file cannot fake."""
    return f"alliance:{fingerprint}"


def _refuse(
    store: GraphStore, user: Principal, fingerprint: str, message: str, **details: Any
) -> NoReturn:
    """Audit a refusal and raise it."""
    audit.append(store, user.username, "alliance_refused", _target(fingerprint), details)
    raise UserError(message)


def _read(store: GraphStore, user: Principal, path: Path, kind: str) -> dict[str, Any]:
    """A file from a counterpart, its sender trusted and its signature checked; a file that
    fails is refused, and audited under the fingerprint it claims."""
    try:
        return files.read(path, kind)
    except UserError as error:
        claimed = files.sender_fingerprint(path) or "unknown"
        _refuse(store, user, claimed, str(error), reason="not_authenticated", kind=kind)


def _own_identity() -> identity.Identity:
    return identity.load_or_create()


def make_request(
    store: GraphStore,
    user: Principal,
    set_name: str,
    *,
    mode: str,
    counterpart: str,
    out: Path,
    watchlist: Path | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """Write a request about ``set_name`` for ``counterpart`` to ``out``; keep the run's secret
    key and items in the state folder. A near-duplicate of an earlier request is flagged in the
    audit, and refused unless ``force``."""
    config = settings.load()
    if mode not in protocol.MODES:
        raise UserError(f"unknown mode {mode!r}: one of {', '.join(protocol.MODES)}")
    if not counterpart.strip():
        raise UserError("name the counterpart installation (--counterpart)")
    trusted = identity.find_trusted(counterpart)
    fingerprint = trusted.fingerprint
    items = collect(store, user, set_name, watchlist)
    facts = {"mode": mode, "set": set_name, "size": len(items), "counterpart": trusted.name}
    if len(items) < config.alliance_min_set:
        _refuse(
            store,
            user,
            fingerprint,
            f"the set holds {len(items)} items, fewer than the minimum "
            f"{config.alliance_min_set} (LEADGRAPH_ALLIANCE_MIN_SET): a small set is a lookup",
            reason="set_too_small",
            **facts,
        )
    warning = None
    near = runs.near_duplicate(items, fingerprint)
    if near is not None:
        earlier, differ = near
        audit.append(
            store,
            user.username,
            "alliance_flagged",
            _target(fingerprint),
            {"earlier_run": earlier, "differ": differ, "forced": force, **facts},
        )
        warning = (
            f"this set differs from the one of run {earlier} by {differ} item(s): comparing "
            "the two answers would tell whether those items are known to the counterpart"
        )
        if not force:
            raise UserError(warning + "; refused (force it with --force)")
    request = protocol.make_request(items, mode)
    run_id = runs.new_run_id()
    runs.save(
        run_id,
        request.key,
        items,
        {"counterpart_fingerprint": fingerprint, "by": user.username, **facts},
    )
    files.write(
        out,
        "request",
        _own_identity(),
        run_id=run_id,
        mode=mode,
        sender=config.alliance_name,
        size=len(items),
        request=request.message,
    )
    details = {"run_id": run_id, **facts, **({"forced": True} if near else {})}
    audit.append(store, user.username, "alliance_request", _target(fingerprint), details)
    return {"run_id": run_id, "out": str(out), "warning": warning, **facts}


def respond(
    store: GraphStore,
    user: Principal,
    request: Path,
    set_name: str,
    *,
    out: Path,
    watchlist: Path | None = None,
) -> dict[str, Any]:
    """Answer ``request`` with ``set_name`` into ``out``. What this side learns: the request's
    size and its sender, never the matches or their number. Only a request signed by a trusted
    installation is answered."""
    config = settings.load()
    asked = _read(store, user, request, "request")
    counterpart, fingerprint = asked["counterpart"], asked["sender_fingerprint"]
    run_id, mode = asked["run_id"], asked["mode"]
    points, distinct = protocol.request_size(asked["request"])
    facts = {
        "run_id": run_id,
        "mode": mode,
        "set": set_name,
        "request_size": points,
        "counterpart": counterpart,
    }
    if distinct < config.alliance_min_set:
        _refuse(
            store,
            user,
            fingerprint,
            f"the request asks about {distinct} distinct items, fewer than the minimum "
            f"{config.alliance_min_set}: refused",
            reason="request_too_small",
            **facts,
        )
    since = format_time(datetime.now(UTC) - timedelta(days=1))
    row = store.read_one(RESPONSES_SINCE, target=_target(fingerprint), since=since)
    if row and int(row["n"]) >= config.alliance_max_per_day:
        _refuse(
            store,
            user,
            fingerprint,
            f"{counterpart} has had {row['n']} answers in the last 24 hours, the most "
            f"LEADGRAPH_ALLIANCE_MAX_PER_DAY allows: refused",
            reason="rate_limit",
            **facts,
        )
    items = collect(store, user, set_name, watchlist)
    if len(items) < config.alliance_min_set:
        _refuse(
            store,
            user,
            fingerprint,
            f"this side's set holds {len(items)} items, fewer than the minimum "
            f"{config.alliance_min_set}: refused",
            reason="set_too_small",
            size=len(items),
            **facts,
        )
    try:
        answer = protocol.answer(asked["request"], items, mode)
    except (RuntimeError, ValueError) as error:
        raise UserError(
            f"{request.name}: not a request this library can answer ({error})"
        ) from None
    files.write(
        out,
        "response",
        _own_identity(),
        run_id=run_id,
        mode=mode,
        sender=config.alliance_name,
        size=len(items),
        request_size=points,
        setup=answer.setup,
        response=answer.response,
    )
    details = {**facts, "size": len(items)}
    audit.append(store, user.username, "alliance_respond", _target(fingerprint), details)
    return {"out": str(out), "counterpart_fingerprint": fingerprint, **details}


def finish(store: GraphStore, user: Principal, response: Path) -> dict[str, Any]:
    """Read the answer to one of this installation's requests: ``{"mode", "size", "matched",
    "count"}`` (and the run id, counterpart and the other side's size). In intersection mode
    the matches enter the graph as match links to the counterpart."""
    answered = _read(store, user, response, "response")
    run = runs.load(answered["run_id"])
    meta = run.meta
    if not (user.is_admin or user.username == meta["by"]):
        raise Forbidden("only who asked (or an admin) may read a run's answer")
    wanted = meta.get("counterpart_fingerprint")
    if answered["mode"] != meta["mode"] or answered["sender_fingerprint"] != wanted:
        raise UserError(
            f"{response.name} answers as {answered['counterpart']!r} in mode "
            f"{answered['mode']!r}; run {run.run_id} asked {meta['counterpart']!r} in mode "
            f"{meta['mode']!r}"
        )
    answer = protocol.Answer(answered["setup"], answered["response"])
    try:
        found = protocol.finish(run.key, meta["mode"], answer)
    except (RuntimeError, ValueError) as error:
        raise UserError(f"{response.name}: not an answer to this run ({error})") from None
    items = run.items
    matched = [items[i] for i in found] if isinstance(found, list) else []
    count = len(matched) if isinstance(found, list) else found
    links = _record(store, user, run, matched) if matched else 0
    runs.update(run, finished=utc_now(), count=count)
    details = {
        "run_id": run.run_id,
        "mode": meta["mode"],
        "set": meta["set"],
        "size": len(items),
        "their_size": answered["size"],
        "count": count,
        "links": links,
    }
    details["counterpart"] = meta["counterpart"]
    audit.append(store, user.username, "alliance_finish", _target(wanted), details)
    return {
        "mode": meta["mode"],
        "size": len(items),
        "matched": matched,
        "count": count,
        "run_id": run.run_id,
        "counterpart": meta["counterpart"],
        "their_size": answered["size"],
    }


def _record(store: GraphStore, user: Principal, run: runs.Run, matched: list[str]) -> int:
    """The matches as match links (``graph.alliance.matches``); the number of new links."""
    return int(
        record_matches(
            store,
            run_id=run.run_id,
            counterpart=run.meta["counterpart"],
            set_name=run.meta["set"],
            keys=matched,
            matched_on=utc_now()[:10],
            by=user.username,
        )
    )


def write_receipt(store: GraphStore, user: Principal, run_id: str, out: Path) -> dict[str, Any]:
    """Send a finished run's count back to the answering side, which otherwise never learns it
    (the asking side's choice: ``--reveal-count``)."""
    run = runs.load(run_id)
    if "count" not in run.meta:
        raise UserError(f"run {run_id} is not finished")
    count = int(run.meta["count"])
    sender = settings.load().alliance_name
    files.write(out, "receipt", _own_identity(), run_id=run_id, sender=sender, count=count)
    details = {
        "run_id": run_id,
        "count": count,
        "direction": "sent",
        "counterpart": run.meta["counterpart"],
    }
    target = _target(run.meta["counterpart_fingerprint"])
    audit.append(store, user.username, "alliance_receipt", target, details)
    return {"out": str(out), **details}


def import_receipt(store: GraphStore, user: Principal, path: Path) -> dict[str, Any]:
    """Record the count an asking side chose to reveal about a run this side answered."""
    receipt = _read(store, user, path, "receipt")
    target = _target(receipt["sender_fingerprint"])
    row = store.read_one(RESPONDED_RUN, target=target, run=receipt["run_id"])
    if not row or not row["n"]:
        raise UserError(
            f"this installation answered no run {receipt['run_id']} of {receipt['counterpart']}"
        )
    details = {
        "run_id": receipt["run_id"],
        "count": receipt["count"],
        "direction": "received",
        "counterpart": receipt["counterpart"],
    }
    audit.append(store, user.username, "alliance_receipt", target, details)
    return details
