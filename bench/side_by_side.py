#!/usr/bin/env python3
"""Side by side with Anki on the same data, in one run (BENCHMARKS.md,
"Side by side with Anki, round two"): the import of one .apkg with its
review history, and the answer step.

  bench/side_by_side.py WORK [--cards N] [--reviews M] [--rounds R] [--answers A]
                        [--iskra BIN]... [--latency BIN]...

Needs the release binaries (iskra, examples/generate, examples/answer_latency;
bench/run.sh builds them) and the pinned Anki library in target/anki-venv
(tests/anki_interop.rs makes it). Several --iskra (or --latency) binaries
are compared with each other and with Anki: the first is "after", the
others e.g. a build of main before a change.

1. generate N cards with M review-log rows in ONE deck (seed 1), export it
   as .apkg with history (`iskra export deck … --with-history`);
2. import: R rounds; in each round every iskra binary imports the package
   into a new collection and Anki imports it into a new collection
   (bench/anki_side.py import), one after the other, so a load change
   falls on all of them alike. Wall time and peak RSS (/usr/bin/time) of
   the whole process; the ratios are taken pair by pair within a round;
3. the answer step: the disk's fsync floor (bench/fsync_probe.py), then
   R rounds of: each answer_latency binary on a fresh copy of the
   generated collection, Anki's answerCard + getCard on a fresh copy of
   its imported collection (FSRS on, as iskra schedules with it), A
   answers each; the floor again at the end.
Prints every measurement and the ratios (median of the pairs, min–max).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_PYTHON = os.path.join(ROOT, "target", "anki-venv", "bin", "python")
ANKI_SIDE = os.path.join(ROOT, "bench", "anki_side.py")
FSYNC_PROBE = os.path.join(ROOT, "bench", "fsync_probe.py")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)


def timed(cmd, env=None):
    """Wall seconds and peak RSS (MiB) of a whole process; its stdout."""
    out = run(["/usr/bin/time", "-f", "TIME %e %M", *cmd], env=env)
    seconds, kib = re.search(r"TIME (\S+) (\d+)", out.stderr).groups()
    return float(seconds), int(kib) / 1024, out.stdout


def remove(path):
    for p in (path, path + "-wal", path + "-shm", path + "-journal"):
        if os.path.isdir(p):
            shutil.rmtree(p)
        elif os.path.exists(p):
            os.remove(p)
    for extra in (path.removesuffix(".anki2") + ".media", path.removesuffix(".anki2") + ".media.db2"):
        if os.path.isdir(extra):
            shutil.rmtree(extra)
        elif os.path.exists(extra):
            os.remove(extra)


def spread(values):
    return f"median {statistics.median(values):.2f} (min {min(values):.2f}, max {max(values):.2f}; {len(values)} pairs)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("work")
    ap.add_argument("--cards", type=int, default=100_000)
    ap.add_argument("--reviews", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--answers", type=int, default=200)
    ap.add_argument("--iskra", action="append")
    ap.add_argument("--latency", action="append")
    ap.add_argument("--skip", action="append", default=[], choices=["import", "answer"])
    a = ap.parse_args()
    iskras = a.iskra or [os.path.join(ROOT, "target", "release", "iskra")]
    latencies = a.latency or [os.path.join(ROOT, "target", "release", "examples", "answer_latency")]
    generate = os.path.join(ROOT, "target", "release", "examples", "generate")
    os.makedirs(a.work, exist_ok=True)
    env = dict(os.environ, NO_COLOR="1", TZ=os.environ.get("TZ", "UTC"))
    env.setdefault("ISKRA_NOW", "2026-11-22T10:00:00Z")
    env.pop("ISKRA_COLLECTION", None)

    print("== machine")
    print(run(["sh", "-c", "lscpu | grep -E '^(Model name|CPU\\(s\\))' | sed 's/  */ /g'"]).stdout.strip())
    print("load average:", " ".join(open("/proc/loadavg").read().split()[:3]))
    print("anki", run([VENV_PYTHON, "-c", "import anki.buildinfo as b; print(b.version)"]).stdout.strip())

    gen = os.path.join(a.work, f"gen-{a.cards}.sqlite3")
    package = os.path.join(a.work, f"gen-{a.cards}.apkg")
    anki_base = os.path.join(a.work, f"anki-{a.cards}.anki2")
    if not os.path.exists(package):
        remove(gen)
        shutil.rmtree(os.path.join(a.work, "backups"), ignore_errors=True)
        print("== generate", a.cards, "cards,", a.reviews, "review-log rows in one deck")
        print(run([generate, "--collection", gen, "--cards", str(a.cards), "--reviews", str(a.reviews),
                   "--decks", "1", "--seed", "1"], env=env).stdout.strip())
        run([iskras[0], "--collection", gen, "export", "deck", "gen-01", "--format", "apkg", "--with-history",
             "--out", package], env=env)
        print("package:", os.path.getsize(package), "bytes")
    if not os.path.exists(anki_base):
        seconds, mib, out = timed([VENV_PYTHON, ANKI_SIDE, "import", package, anki_base])
        print("anki import (collection for the answer step):", out.strip())
        run([VENV_PYTHON, ANKI_SIDE, "fsrs", anki_base])

    if "import" not in a.skip:
        print(f"== import of {os.path.basename(package)}: {a.rounds} rounds, alternating")
        ratios = {b: [] for b in iskras}
        memory = {b: [] for b in iskras}
        for round_ in range(a.rounds):
            results = {}
            for i, binary in enumerate(iskras):
                target = os.path.join(a.work, f"import-{i}.sqlite3")
                remove(target)
                seconds, mib, _ = timed([binary, "--collection", target, "import", package], env=env)
                results[binary] = (seconds, mib)
                remove(target)
                print(f"round {round_ + 1} iskra[{i}] {binary}: {seconds:.2f} s, peak RSS {mib:.0f} MiB")
            target = os.path.join(a.work, "import-anki.anki2")
            remove(target)
            seconds, mib, out = timed([VENV_PYTHON, ANKI_SIDE, "import", package, target])
            remove(target)
            print(f"round {round_ + 1} anki: {seconds:.2f} s, peak RSS {mib:.0f} MiB ({out.strip()})")
            for binary, (s, m) in results.items():
                ratios[binary].append(seconds / s)
                memory[binary].append(mib / m)
        for i, binary in enumerate(iskras):
            print(f"import, Anki / iskra[{i}] time: {spread(ratios[binary])}; memory: {spread(memory[binary])}")

    if "answer" not in a.skip:
        print(f"== answer step: {a.answers} answers, {a.rounds} rounds, alternating")
        print("fsync floor before:", run([sys.executable, FSYNC_PROBE, a.work, "2000"]).stdout.strip())
        medians = {b: [] for b in latencies}
        p99s = {b: [] for b in latencies}
        for round_ in range(a.rounds):
            for i, binary in enumerate(latencies):
                copy = os.path.join(a.work, f"answers-{i}.sqlite3")
                remove(copy)
                shutil.copy(gen, copy)
                # The system clock, as Anki's: both see the same cards due.
                clock_env = {k: v for k, v in env.items() if k != "ISKRA_NOW"}
                out = run([binary, copy, str(a.answers)], env=clock_env).stdout
                remove(copy)
                step = [line for line in out.splitlines() if "next card" in line][0]
                median, p99 = (float(x) for x in re.search(r"median (\S+) ms, p99 (\S+) ms", step).groups())
                medians[binary].append(median)
                p99s[binary].append(p99)
                print(f"round {round_ + 1} iskra[{i}]: {step}")
            copy = os.path.join(a.work, "answers-anki.anki2")
            remove(copy)
            shutil.copy(anki_base, copy)
            out = json.loads(run([VENV_PYTHON, ANKI_SIDE, "answer", copy, str(a.answers)]).stdout)
            remove(copy)
            print(f"round {round_ + 1} anki: {json.dumps(out)}")
            for binary in latencies:
                medians[binary][-1] = (medians[binary][-1], out["step_median_ms"])
                p99s[binary][-1] = (p99s[binary][-1], out["step_p99_ms"])
        print("fsync floor after:", run([sys.executable, FSYNC_PROBE, a.work, "2000"]).stdout.strip())
        for i, binary in enumerate(latencies):
            print(f"answer step, Anki / iskra[{i}] median: {spread([k / s for s, k in medians[binary]])}; "
                  f"p99: {spread([k / s for s, k in p99s[binary]])}")


if __name__ == "__main__":
    main()
