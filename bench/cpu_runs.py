#!/usr/bin/env python3
"""Whole-process wall and CPU time of a command, two or more variants alternating (BENCHMARKS.md,
"Search, second pass"):

    bench/cpu_runs.py RUNS LABEL=SPEC... -- CMD...

SPEC is a comma-separated list of BIN:path (replaces CMD's first word), COL:path (replaces the
word COLLECTION in CMD) and NAME:value (an environment variable). One unmeasured round, then
RUNS rounds, each variant once per round; prints each variant's median and min wall time and
CPU time (user + system of the child, from wait4), in ms. Output goes to /dev/null.
"""
import os, sys, time, statistics, subprocess
runs = int(sys.argv[1]); i = sys.argv.index('--'); variants = sys.argv[2:i]; cmd = sys.argv[i+1:]
res = {v: ([], []) for v in variants}
for r in range(runs + 1):
    for v in variants:
        label, _, rest = v.partition('=')
        env = dict(os.environ)
        argv = list(cmd)
        for kv in rest.split(','):
            if kv.startswith('BIN:'): argv[0] = kv[4:]
            elif kv.startswith('COL:'): argv[argv.index('COLLECTION')] = kv[4:]
            elif '=' in kv or ':' in kv:
                k, _, val = kv.partition(':'); env[k] = val
        if 'COLLECTION' in argv: raise SystemExit('no COL')
        t = time.perf_counter()
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        w = (time.perf_counter() - t) * 1000
        if status: raise SystemExit(f'{argv} exit {status}')
        if r: res[v][0].append(w); res[v][1].append((ru.ru_utime + ru.ru_stime) * 1000)
for v in variants:
    w, c = res[v]
    print(f"{v.partition('=')[0]:>10}: wall median {statistics.median(w):7.1f} ms (min {min(w):7.1f}); cpu median {statistics.median(c):7.1f} ms (min {min(c):7.1f})")
