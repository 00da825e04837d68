#!/usr/bin/env python3
"""The regression check of `bench/run.sh`: compares a run's figures with the
recorded ones in bench/reference.json and exits 1 if any is worse than its
stated tolerance allows (BENCHMARKS.md, "The regression check").

  bench/check.py REFERENCE SIZE FIGURES SIDE_BY_SIDE_JSON

SIZE is a key of REFERENCE ("quick" or "full"); FIGURES is the tab-separated
file bench/run.sh writes (`name<TAB>value` per line: milliseconds, or MiB
for peaks); SIDE_BY_SIDE_JSON is what `bench/side_by_side.py --json` wrote.
Each reference entry is either
  "ratios":  {stage: {"recorded": R, "at_least": L}}  Anki / iskra time of
             the stage (median of the round's pairs) must be >= L;
  "limits":  {name: {"recorded": X, "at_most": L}}    the figure must be <= L.
A figure or stage the run did not produce counts as a regression.
"""

import json
import sys


def main():
    reference_path, size, figures_path, side_path = sys.argv[1:5]
    reference = json.load(open(reference_path))[size]
    figures = {}
    for line in open(figures_path):
        name, value = line.rstrip("\n").split("\t")
        figures[name] = float(value)
    stages = json.load(open(side_path))["stages"]
    failed = 0
    print(f"== regression check against {reference_path} ({size}); tolerance: {reference['tolerance']}")
    for name, entry in reference.get("limits", {}).items():
        value = figures.get(name)
        ok = value is not None and value <= entry["at_most"]
        failed += not ok
        shown = "not measured" if value is None else f"{value:.2f}"
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {shown} (at most {entry['at_most']}; recorded {entry['recorded']})")
    for stage, entry in reference.get("ratios", {}).items():
        ratio = stages.get(stage, {}).get("ratio", {}).get("median")
        ok = ratio is not None and ratio >= entry["at_least"]
        failed += not ok
        shown = "not measured" if ratio is None else f"{ratio:.2f}"
        print(f"{'ok  ' if ok else 'FAIL'} Anki / iskra, {stage}: {shown} (at least {entry['at_least']}; "
              f"recorded {entry['recorded']})")
    print(f"{failed} regression(s)" if failed else "no regression")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
