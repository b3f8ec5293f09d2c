"""Private set intersection between installations: time and file sizes, end to end.

For each size n, two sets of n phone keys that overlap by half go through the whole file
exchange both modes: the asking side blinds its set and writes the request file, the answering
side reads it, answers with its set and writes the response file, the asking side reads that
and finishes. Prints the median of ``--repeats`` runs of each step (wall and CPU seconds), the
file sizes, and ratios (per item, between sizes, between modes), and a linear projection to
1,000,000 × 1,000,000 from the largest size measured (ECDH PSI costs a fixed number of curve
operations per item). No database: the sets are made here, as ``graph.alliance.sets`` would
return them.

With ``--spu`` it also times SecretFlow's ``spu`` PSI (ECDH and RR22, two parties over an
in-memory link in one process) when ``spu`` is importable — it is not a LeadGraph dependency;
run this script from a scratch environment holding both to compare:

    .venv/bin/python bench/alliance.py [--sizes 10000 100000] [--repeats 3]
    SCRATCH/bin/python bench/alliance.py --spu --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.alliance import files, identity, protocol


def phone_keys(start: int, count: int) -> list[str]:
    return [f"phone:+86138{n:08d}" for n in range(start, start + count)]


class Clock:
    """Wall and CPU seconds of named steps."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def step(self, name: str, work: Callable[[], Any]) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        self.wall[name] = time.perf_counter() - wall
        self.cpu[name] = time.process_time() - cpu
        return result


@contextmanager
def acting(home: Path) -> Iterator[identity.Identity]:
    """Act as the installation of state folder ``home`` (files are signed and checked there)."""
    saved = os.environ.get("LEADGRAPH_HOME")
    os.environ["LEADGRAPH_HOME"] = str(home)
    try:
        yield identity.load_or_create()
    finally:
        if saved is None:
            os.environ.pop("LEADGRAPH_HOME", None)
        else:
            os.environ["LEADGRAPH_HOME"] = saved


def introduce(folder: Path) -> tuple[Path, Path]:
    """Two state folders whose identities trust each other: the asking and answering sides."""
    homes = (folder / "asking", folder / "answering")
    ids = []
    for home in homes:
        with acting(home) as own:
            ids.append(json.dumps(identity.public_identity(own)).encode())
    for home, other, name in ((homes[0], ids[1], "b"), (homes[1], ids[0], "a")):
        with acting(home):
            identity.trust(other, name)
    return homes


def exchange_once(n: int, mode: str, folder: Path) -> tuple[Clock, dict[str, int]]:
    """One run through files; checks the answer."""
    ours, theirs = phone_keys(0, n), phone_keys(n // 2, n)
    clock = Clock()
    request_file, response_file = folder / "request.json", folder / "response.json"
    asking, answering = introduce(folder)

    def ask() -> bytes:
        request = protocol.make_request(ours, mode)
        with acting(asking) as own:
            files.write(request_file, "request", own, run_id="0" * 32, mode=mode, sender="a",
                        size=n, request=request.message)  # fmt: skip
        return request.key

    def answer() -> None:
        with acting(answering) as own:
            asked = files.read(request_file, "request")
            reply = protocol.answer(asked["request"], theirs, mode)
            files.write(response_file, "response", own, run_id="0" * 32, mode=mode, sender="b",
                        size=n, request_size=n, setup=reply.setup, response=reply.response)  # fmt: skip

    def finish() -> list[int] | int:
        with acting(asking):
            answered = files.read(response_file, "response")
        reply = protocol.Answer(answered["setup"], answered["response"])
        return protocol.finish(key, mode, reply)

    key = clock.step("request", ask)
    clock.step("respond", answer)
    found = clock.step("finish", finish)
    count = len(found) if isinstance(found, list) else found
    if count != n - n // 2:
        raise SystemExit(f"wrong answer: {count} matches, expected {n - n // 2}")
    sizes = {"request": request_file.stat().st_size, "response": response_file.stat().st_size}
    return clock, sizes


def spu_once(n: int, protocol_name: str, folder: Path) -> float:
    """Wall seconds of one spu PSI run (both parties in this process, in-memory link)."""
    import spu.libspu.link as link
    import spu.psi as spu_psi

    for rank, start in ((0, 0), (1, n // 2)):
        keys = phone_keys(start, n)
        (folder / f"in{rank}.csv").write_text("id\n" + "\n".join(keys) + "\n")
    desc = link.Desc()
    desc.add_party("a", "127.0.0.1:61301")
    desc.add_party("b", "127.0.0.1:61302")
    contexts = [link.create_mem(desc, rank) for rank in (0, 1)]
    chosen = getattr(spu_psi.PsiProtocol, f"PROTOCOL_{protocol_name.upper()}")
    csv = spu_psi.SourceType.SOURCE_TYPE_FILE_CSV

    def party(rank: int) -> None:
        config = spu_psi.PsiExecuteConfig(
            protocol_conf=spu_psi.PsiProtocolConfig(
                protocol=chosen, receiver_rank=0, broadcast_result=False
            ),
            input_params=spu_psi.InputParams(
                type=csv, path=str(folder / f"in{rank}.csv"), selected_keys=["id"], keys_unique=True
            ),
            output_params=spu_psi.OutputParams(
                type=csv, path=str(folder / f"out{rank}.csv"), disable_alignment=True
            ),
        )
        spu_psi.psi_execute(config, contexts[rank])

    began = time.perf_counter()
    parties = [threading.Thread(target=party, args=(rank,)) for rank in (0, 1)]
    for thread in parties:
        thread.start()
    for thread in parties:
        thread.join()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--spu", action="store_true", help="also time spu's ECDH and RR22")
    args = parser.parse_args()

    totals: dict[tuple[int, str], float] = {}
    file_sizes: dict[tuple[int, str], dict[str, int]] = {}
    print(f"openmined-psi ({protocol.PROTOCOL}), medians of {args.repeats}; seconds wall (CPU)")
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        for n in args.sizes:
            for mode in protocol.MODES:
                clocks = []
                for _ in range(args.repeats):
                    clock, sizes = exchange_once(n, mode, folder)
                    clocks.append(clock)
                steps = {
                    name: (
                        statistics.median(c.wall[name] for c in clocks),
                        statistics.median(c.cpu[name] for c in clocks),
                    )
                    for name in ("request", "respond", "finish")
                }
                total = statistics.median(sum(c.wall.values()) for c in clocks)
                totals[n, mode] = total
                file_sizes[n, mode] = sizes
                parts = "  ".join(f"{k} {w:.1f} ({c:.1f})" for k, (w, c) in steps.items())
                print(
                    f"{n:>9,} x {n:<9,} {mode:<12} total {total:6.1f} s  {parts}  "
                    f"request {sizes['request'] / 1e6:.1f} MB, response "
                    f"{sizes['response'] / 1e6:.1f} MB  ({total / n * 1e6:.0f} µs/item)"
                )
            ratio = totals[n, "intersection"] / totals[n, "cardinality"]
            print(f"{'':>21}intersection / cardinality: {ratio:.2f}")
        if len(args.sizes) > 1:
            small, large = args.sizes[0], args.sizes[-1]
            for mode in protocol.MODES:
                ratio = totals[large, mode] / totals[small, mode]
                print(f"{mode}: {large:,} / {small:,} items takes {ratio:.1f}x the time")
        largest = args.sizes[-1]
        scale = 1_000_000 / largest
        if scale > 1:
            for mode in protocol.MODES:
                sizes = file_sizes[largest, mode]
                print(
                    f"projected 1,000,000 x 1,000,000 {mode}: {totals[largest, mode] * scale:.0f} s,"
                    f" request {sizes['request'] * scale / 1e6:.0f} MB, response "
                    f"{sizes['response'] * scale / 1e6:.0f} MB"
                )
        if args.spu:
            for name in ("ecdh", "rr22"):
                for n in args.sizes:
                    times = [spu_once(n, name, folder) for _ in range(args.repeats)]
                    print(f"spu {name:<5} {n:>9,} x {n:<9,} {statistics.median(times):6.1f} s")


if __name__ == "__main__":
    main()
