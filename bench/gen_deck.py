#!/usr/bin/env python3
"""Writes a generated deck file for scale measurements.

Usage: python3 bench/gen_deck.py N OUT.deck   (every fifth fact is a cloze with two deletions)
"""
import sys

n, out = int(sys.argv[1]), sys.argv[2]
with open(out, "w", encoding="utf-8") as f:
    f.write("# Big\ndescription: generated for benchmarks\n")
    for i in range(n):
        if i % 5 == 0:
            f.write(f"## c{i}\ncloze: Fact {i} says {{{{alpha{i}}}}} happened in {{{{{1900 + i % 100}}}}}.\ntags: gen t{i % 10}\nsource: gen\n\n")
        else:
            f.write(f"## f{i}\nq: What is item {i} of the generated deck?\na: answer {i}\nalt: ans {i}\ntags: gen\nsource: gen\n\n")
