#!/usr/bin/env python3
"""Writes an Anki text file of N rows of Japanese vocabulary (BENCHMARKS.md,
"Text import in any script"): `word<TAB>reading — meaning`, every word made
of kanji and kana (no ASCII letter or digit in the first field), all
different, deterministic.

Usage: gen_japanese.py N OUT.txt
"""

import random
import sys

KANJI = "日本語学生先年月火水木金土山川田人口目耳手足力上下中大小本文字時間話食飲見聞読書行来出入休言立名前後午東西南北天気雨電車会社長"
KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんがぎぐげござじずぜぞだでどばびぶべぼ"
MEANINGS = ["to eat", "to drink", "mountain", "river", "student", "teacher", "weather", "company", "station",
            "to read", "to write", "to listen", "tomorrow", "yesterday", "electric", "east", "west", "rain"]


def main() -> None:
    n, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(20)
    seen = set()
    with open(out, "w", encoding="utf-8") as f:
        f.write("#separator:tab\n#html:false\n")
        while len(seen) < n:
            word = "".join(rng.choice(KANJI) for _ in range(rng.randint(1, 3)))
            word += "".join(rng.choice(KANA) for _ in range(rng.randint(0, 3)))
            if word in seen:
                continue
            seen.add(word)
            reading = "".join(rng.choice(KANA) for _ in range(rng.randint(2, 6)))
            f.write(f"{word}\t{reading} — {rng.choice(MEANINGS)} ({len(seen)})\n")


if __name__ == "__main__":
    main()
