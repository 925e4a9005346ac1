"""Summarise a sampling profile in collapsed-stack form (``py-spy record --format raw [--threads]``).

py-spy is a bench tool, not a dependency: install it anywhere (``python -m venv /tmp/spy && /tmp/spy/bin/pip
install py-spy``) and attach it to the connector as the bench runs it, e.g.

    /tmp/spy/bin/py-spy record --format raw --threads --rate 250 -o read.raw -- \\
        .venv/bin/source-idempiere read --config bench/out/s1.config.json \\
        --catalog bench/out/s1.catalog.json > /dev/null
    python -m bench.stacks read.raw

The summary is each thread's share of the samples, then per thread the frames with the most samples of
their own ("self") and with the most samples anywhere in their stack ("inclusive"), in percent of all samples.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from collections.abc import Iterable


def summarise(lines: Iterable[str]) -> tuple[int, Counter[str], dict[str, Counter[str]], dict[str, Counter[str]]]:
    """(total samples, samples per thread, self samples per thread and frame, inclusive samples per thread and frame).

    A line is ``frame;frame;...;frame COUNT``; with ``--threads`` the first frame names the thread.
    """
    total = 0
    threads: Counter[str] = Counter()
    own: dict[str, Counter[str]] = defaultdict(Counter)
    inclusive: dict[str, Counter[str]] = defaultdict(Counter)
    for line in lines:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = stack.split(";")
        thread = frames[0] if frames[0].startswith("thread (") else "all"
        body = frames[1:] if thread != "all" else frames
        total += n
        threads[thread] += n
        if body:
            own[thread][body[-1]] += n
        for frame in set(body):
            inclusive[thread][frame] += n
    return total, threads, own, inclusive


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("raw", help="py-spy --format raw output")
    ap.add_argument("--top", type=int, default=20)
    args = ap.parse_args(argv)
    with open(args.raw) as fh:
        total, threads, own, inclusive = summarise(fh)
    if not total:
        print("no samples")
        return 1
    print(f"{total} samples")
    for thread, n in threads.most_common():
        print(f"\n== {thread}: {100 * n / total:.1f}% of samples")
        for title, table in (("self", own[thread]), ("inclusive", inclusive[thread])):
            print(f"  -- {title}")
            for frame, k in table.most_common(args.top):
                print(f"  {100 * k / total:5.1f}%  {frame[:130]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
