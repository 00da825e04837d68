#!/usr/bin/env python3
"""Side by side with Anki on the same data, in one run (BENCHMARKS.md,
"Side by side with Anki, round two"): the import of one .apkg with its
review history, and the answer step.

  bench/side_by_side.py WORK [--cards N] [--reviews M] [--decks D] [--collection GEN]
                        [--rounds R] [--answers A] [--runs K] [--facts F] [--iskra BIN]... [--latency BIN]...
                        [--skip STAGE]... [--only STAGE]... [--json FILE]
  STAGE: import, answer, first-card, status, stats, build, optimize

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
4. the commands of the issue's table, R rounds, alternating iskra and Anki
   within each round (whole processes, start-up included on both sides;
   each command run once unmeasured first, then --runs times, the median
   of a round's runs paired with the other side's):
   first-card  `iskra review` (line protocol, `q` as input) until it quits
               vs open + getCard + close;
   status      `iskra status --json` vs counts + deck tree;
   stats       `iskra stats --json --days 365` vs graphs(365 days);
   build       `iskra build` of a --facts-fact deck file (bench/gen_deck.py)
               into a new collection vs add_notes of as many basic notes
               into a new collection (one run per round);
   optimize    `iskra optimize` on a fresh copy of the generated collection
               vs compute_fsrs_params on every review (one run per round).
   Anki reads the system clock, so iskra runs without ISKRA_NOW here.
Prints every measurement and the ratios (median of the pairs, min–max);
--json FILE also writes them, for bench/check.py.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_PYTHON = os.path.join(ROOT, "target", "anki-venv", "bin", "python")
ANKI_SIDE = os.path.join(ROOT, "bench", "anki_side.py")
FSYNC_PROBE = os.path.join(ROOT, "bench", "fsync_probe.py")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)


def timed(cmd, env=None, stdin=None):
    """Wall seconds and peak RSS (MiB) of a whole process, from spawning it to
    reaping it (its own rusage, from wait4); its stdout; its CPU seconds (user
    and system, all threads). Input and output go
    through files, so nothing but the process is timed."""
    with tempfile.TemporaryFile("w+") as fin, tempfile.TemporaryFile("w+") as fout, \
            tempfile.TemporaryFile("w+") as ferr:
        if stdin is not None:
            fin.write(stdin)
            fin.seek(0)
        start = time.perf_counter()
        p = subprocess.Popen(cmd, env=env, stdin=fin, stdout=fout, stderr=ferr)
        _, status, usage = os.wait4(p.pid, 0)
        seconds = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)
        fout.seek(0)
        ferr.seek(0)
        if p.returncode:
            sys.exit(f"{' '.join(cmd)} failed ({p.returncode}): {ferr.read().strip()}")
        return seconds, usage.ru_maxrss / 1024, fout.read(), usage.ru_utime + usage.ru_stime


def measure(cmd, env=None, stdin=None):
    """(wall seconds, peak MiB, CPU seconds) of a whole process."""
    seconds, mib, _, cpu = timed(cmd, env=env, stdin=stdin)
    return seconds, mib, cpu


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


STAGES = ["import", "answer", "first-card", "status", "stats", "build", "optimize"]
COMMANDS = ["first-card", "status", "stats", "build", "optimize"]


def ratio_summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "pairs": len(values)}


def command_pair(stage, a, iskra, gen, anki_base, env):
    """(iskra's measurement, Anki's measurement, runs per round) of one stage:
    each a function of nothing returning (seconds, peak MiB)."""
    work = a.work
    if stage == "first-card":
        return (lambda: measure([iskra, "--collection", gen, "review"], env=env, stdin="q\n"),
                lambda: measure([VENV_PYTHON, ANKI_SIDE, "first-card", anki_base]), a.runs)
    if stage == "status":
        return (lambda: measure([iskra, "--collection", gen, "status", "--json"], env=env),
                lambda: measure([VENV_PYTHON, ANKI_SIDE, "status", anki_base]), a.runs)
    if stage == "stats":
        return (lambda: measure([iskra, "--collection", gen, "stats", "--json", "--days", "365"], env=env),
                lambda: measure([VENV_PYTHON, ANKI_SIDE, "stats", anki_base]), a.runs)
    if stage == "build":
        deck = os.path.join(work, f"build-{a.facts}.deck")
        if not os.path.exists(deck):
            run([sys.executable, os.path.join(ROOT, "bench", "gen_deck.py"), str(a.facts), deck])
        target, anki_target = os.path.join(work, "build.sqlite3"), os.path.join(work, "build-anki.anki2")

        def iskra_build():
            remove(target)
            shutil.rmtree(os.path.join(work, "backups"), ignore_errors=True)
            result = measure([iskra, "--collection", target, "build", deck], env=env)
            remove(target)
            return result

        def anki_build():
            remove(anki_target)
            result = measure([VENV_PYTHON, ANKI_SIDE, "add-notes", anki_target, str(a.facts)])
            remove(anki_target)
            return result

        return iskra_build, anki_build, 1
    if stage == "optimize":
        copy = os.path.join(work, "optimize.sqlite3")
        if not os.path.exists(copy):
            shutil.copy(gen, copy)
        return (lambda: measure([iskra, "--collection", copy, "optimize", "--no-health-check"], env=env),
                lambda: measure([VENV_PYTHON, ANKI_SIDE, "optimize", anki_base]), 1)
    raise ValueError(stage)


def compare_commands(a, commands, iskras, gen, anki_base, env):
    """The commands of the issue's table, alternating iskra and Anki in each
    round; the ratio of a round is Anki's median over iskra's."""
    # Anki reads the system clock: both sides see the same day.
    env = {k: v for k, v in env.items() if k != "ISKRA_NOW"}
    results = {}
    for stage in commands:
        print(f"== {stage}: {a.rounds} rounds, alternating")
        pairs = {b: command_pair(stage, a, b, gen, anki_base, env) for b in iskras}
        runs = pairs[iskras[0]][2]
        for b in iskras:  # once unmeasured (the day's backup, caches)
            if runs > 1:
                pairs[b][0]()
        if runs > 1:
            pairs[iskras[0]][1]()
        times = {b: [] for b in iskras}
        peaks = {b: [] for b in iskras}
        cpus = {b: [] for b in iskras}
        anki_times, anki_peaks, anki_cpus = [], [], []
        for round_ in range(a.rounds):
            for i, b in enumerate(iskras):
                measured = [pairs[b][0]() for _ in range(runs)]
                times[b].append(statistics.median(m[0] for m in measured) * 1000)
                peaks[b].append(max(m[1] for m in measured))
                cpus[b].append(statistics.median(m[2] for m in measured) * 1000)
                print(f"round {round_ + 1} iskra[{i}]: median {times[b][-1]:.1f} ms of {runs} "
                      f"(CPU {cpus[b][-1]:.1f} ms), peak RSS {peaks[b][-1]:.0f} MiB")
            measured = [pairs[iskras[0]][1]() for _ in range(runs)]
            anki_times.append(statistics.median(m[0] for m in measured) * 1000)
            anki_peaks.append(max(m[1] for m in measured))
            anki_cpus.append(statistics.median(m[2] for m in measured) * 1000)
            print(f"round {round_ + 1} anki: median {anki_times[-1]:.1f} ms of {runs} "
                  f"(CPU {anki_cpus[-1]:.1f} ms), peak RSS {anki_peaks[-1]:.0f} MiB")
        for i, b in enumerate(iskras):
            ratios = [k / s for s, k in zip(times[b], anki_times)]
            cpu = [k / s for s, k in zip(cpus[b], anki_cpus)]
            memory = [k / m for m, k in zip(peaks[b], anki_peaks)]
            print(f"{stage}, Anki / iskra[{i}] time: {spread(ratios)}; CPU: {spread(cpu)}; memory: {spread(memory)}")
        first = iskras[0]
        results[stage] = {
            "ratio": ratio_summary([k / s for s, k in zip(times[first], anki_times)]),
            "cpu_ratio": ratio_summary([k / s for s, k in zip(cpus[first], anki_cpus)]),
            "memory_ratio": ratio_summary([k / m for m, k in zip(peaks[first], anki_peaks)]),
            "iskra_ms": times[first], "anki_ms": anki_times,
            "iskra_cpu_ms": cpus[first], "anki_cpu_ms": anki_cpus,
            "iskra_peak_mib": peaks[first], "anki_peak_mib": anki_peaks,
        }
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("work")
    ap.add_argument("--cards", type=int, default=100_000)
    ap.add_argument("--reviews", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--answers", type=int, default=200)
    ap.add_argument("--iskra", action="append")
    ap.add_argument("--latency", action="append")
    ap.add_argument("--decks", type=int, default=1, help="decks generated; each is exported and imported into Anki")
    ap.add_argument("--collection", help="a collection the generator already made (--cards, --reviews, --decks as it)")
    ap.add_argument("--runs", type=int, default=5, help="runs of first-card, status, stats per round and side")
    ap.add_argument("--facts", type=int, default=100_000, help="facts built / notes added by the build stage")
    ap.add_argument("--skip", action="append", default=[], choices=STAGES)
    ap.add_argument("--only", action="append", choices=STAGES)
    ap.add_argument("--json", help="write the ratios and measurements here (bench/check.py reads it)")
    a = ap.parse_args()
    stages = [s for s in (a.only or STAGES) if s not in a.skip]
    summary = {"cards": a.cards, "reviews": a.reviews, "rounds": a.rounds,
               "load": open("/proc/loadavg").read().split()[:3], "stages": {}}
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

    gen = a.collection or os.path.join(a.work, f"gen-{a.cards}.sqlite3")
    if a.decks == 1:
        packages = [os.path.join(a.work, f"gen-{a.cards}.apkg")]
    else:
        packages = [os.path.join(a.work, f"gen-{a.cards}-{d:02}.apkg") for d in range(1, a.decks + 1)]
    package = packages[0]
    anki_base = os.path.join(a.work, f"anki-{a.cards}.anki2")
    if not os.path.exists(gen):
        if a.collection:
            sys.exit(f"{gen} does not exist")
        shutil.rmtree(os.path.join(a.work, "backups"), ignore_errors=True)
        print("== generate", a.cards, "cards,", a.reviews, "review-log rows in", a.decks, "deck(s)")
        print(run([generate, "--collection", gen, "--cards", str(a.cards), "--reviews", str(a.reviews),
                   "--decks", str(a.decks), "--seed", "1"], env=env).stdout.strip())
    for d, path in enumerate(packages, 1):
        if not os.path.exists(path):
            run([iskras[0], "--collection", gen, "export", "deck", f"gen-{d:02}", "--format", "apkg",
                 "--with-history", "--out", path], env=env)
            print("package:", os.path.basename(path), os.path.getsize(path), "bytes")
    if not os.path.exists(anki_base):
        seconds, mib, out, _ = timed([VENV_PYTHON, ANKI_SIDE, "import", *packages, anki_base])
        print(f"anki import (Anki's collection): {seconds:.1f} s, peak RSS {mib:.0f} MiB, {out.strip()}")
        run([VENV_PYTHON, ANKI_SIDE, "fsrs", anki_base])
    if "import" in stages and a.decks != 1:
        sys.exit("the import stage compares one package: use --decks 1 (or --skip import)")

    if "import" in stages:
        print(f"== import of {os.path.basename(package)}: {a.rounds} rounds, alternating")
        ratios = {b: [] for b in iskras}
        cpu_ratios = {b: [] for b in iskras}
        memory = {b: [] for b in iskras}
        for round_ in range(a.rounds):
            results = {}
            for i, binary in enumerate(iskras):
                target = os.path.join(a.work, f"import-{i}.sqlite3")
                remove(target)
                seconds, mib, _, cpu = timed([binary, "--collection", target, "import", package], env=env)
                results[binary] = (seconds, mib, cpu)
                remove(target)
                print(f"round {round_ + 1} iskra[{i}] {binary}: {seconds:.2f} s (CPU {cpu:.2f} s), "
                      f"peak RSS {mib:.0f} MiB")
            target = os.path.join(a.work, "import-anki.anki2")
            remove(target)
            seconds, mib, out, cpu = timed([VENV_PYTHON, ANKI_SIDE, "import", package, target])
            remove(target)
            print(f"round {round_ + 1} anki: {seconds:.2f} s (CPU {cpu:.2f} s), peak RSS {mib:.0f} MiB ({out.strip()})")
            for binary, (s, m, c) in results.items():
                ratios[binary].append(seconds / s)
                cpu_ratios[binary].append(cpu / c)
                memory[binary].append(mib / m)
        for i, binary in enumerate(iskras):
            print(f"import, Anki / iskra[{i}] time: {spread(ratios[binary])}; CPU: {spread(cpu_ratios[binary])}; "
                  f"memory: {spread(memory[binary])}")
        summary["stages"]["import"] = {"ratio": ratio_summary(ratios[iskras[0]]),
                                       "memory_ratio": ratio_summary(memory[iskras[0]])}

    if "answer" in stages:
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
        first = latencies[0]
        summary["stages"]["answer"] = {"ratio": ratio_summary([k / s for s, k in medians[first]]),
                                       "p99_ratio": ratio_summary([k / s for s, k in p99s[first]]),
                                       "iskra_median_ms": [s for s, _ in medians[first]],
                                       "iskra_p99_ms": [s for s, _ in p99s[first]]}

    commands = [s for s in stages if s in COMMANDS]
    if commands:
        summary["stages"].update(compare_commands(a, commands, iskras, gen, anki_base, env))

    if a.json:
        with open(a.json, "w") as f:
            json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
