#!/usr/bin/env bash
# The scale benchmarks of BENCHMARKS.md, reproducibly:
#
#   bench/run.sh [--quick] [WORK_DIR]   (default /tmp/iskra-bench; needs hyperfine, python3, sqlite3)
#
# Builds the release binary and the generator (the `generate` example),
# generates a collection of $CARDS cards with $REVIEWS review-log rows (seed 1)
# and a deck file of $FACTS facts (bench/gen_deck.py), then measures each
# target with hyperfine (warm-up runs first) and prints median, min/max and
# standard deviation.
# The JSON exports are left in WORK_DIR. Sizes can be lowered for a quick
# check: CARDS=5000 REVIEWS=50000 FACTS=5000 bench/run.sh; --quick is that
# with 5 runs per measurement and 200 answers, then the side-by-side with
# Anki at the same size (bench/side_by_side.py, one round; needs
# target/anki-venv).
# On a machine shared with other work, RT='chrt -f 50' runs each measurement
# (not the build) at real-time priority, so other processes wait.
# SBS=0 skips the side by side (and the check).
# KEEP=1 measures WORK_DIR/generated.sqlite3 as it is if it exists (the 10x
# collection takes minutes to make: CARDS=1000000 REVIEWS=10000000 KEEP=1).
#
# The regression check: every figure goes into WORK_DIR/figures.tsv and the
# side by side with Anki (bench/side_by_side.py: the import, the answer step
# and the commands of the issue's table, ROUNDS rounds) into
# WORK_DIR/side-by-side.json; bench/check.py compares them with the recorded
# figures of bench/reference.json ("quick" for --quick, "full" for the
# default sizes, no check for other sizes) and the script exits 1 on a
# regression beyond the tolerance stated there.
set -euo pipefail

cd "$(dirname "$0")/.."
QUICK=
if [ "${1:-}" = --quick ]; then
    QUICK=1
    shift
    CARDS=${CARDS:-5000} REVIEWS=${REVIEWS:-50000} FACTS=${FACTS:-5000} RUNS=${RUNS:-5} ANSWERS=${ANSWERS:-200} FEW=${FEW:-3}
    ROUNDS=${ROUNDS:-1} SBS_RUNS=${SBS_RUNS:-2}
fi
CHECK=
if [ -n "$QUICK" ] && [ "$CARDS/$REVIEWS/$FACTS" = 5000/50000/5000 ]; then
    CHECK=quick
elif [ -z "$QUICK" ] && [ "${CARDS:-100000}/${REVIEWS:-1000000}/${FACTS:-100000}" = 100000/1000000/100000 ]; then
    CHECK=full
fi
WORK=${1:-/tmp/iskra-bench}
CARDS=${CARDS:-100000}
REVIEWS=${REVIEWS:-1000000}
FACTS=${FACTS:-100000}
RUNS=${RUNS:-50}
FEW=${FEW:-20}
ANSWERS=${ANSWERS:-2000}
ROUNDS=${ROUNDS:-3}
SBS_RUNS=${SBS_RUNS:-5}
RT=${RT:-}
KEEP=${KEEP:-}
export ISKRA_NOW=${ISKRA_NOW:-2026-11-22T10:00:00Z} TZ=${TZ:-UTC} NO_COLOR=1
unset ISKRA_COLLECTION

cargo build --release --quiet
cargo build --release --quiet --example generate
cargo build --release --quiet --example answer_latency
BIN=$PWD/target/release/iskra
GENERATE=$PWD/target/release/examples/generate
LATENCY=$PWD/target/release/examples/answer_latency
mkdir -p "$WORK"
GEN=$WORK/generated.sqlite3
BUILD=$WORK/build.sqlite3
DECK=$WORK/big.deck
FIGURES=$WORK/figures.tsv
: >"$FIGURES"
# figure NAME VALUE: one line of the figures bench/check.py compares
figure() { printf '%s\t%s\n' "$1" "$2" >>"$FIGURES"; }

echo "== machine"
lscpu | grep -E '^(Model name|CPU\(s\))' | sed 's/  */ /g'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)${RT:+; measured under $RT}"
echo "$(git rev-parse --short HEAD)$(git diff --quiet || echo ' + uncommitted changes'), ISKRA_NOW=$ISKRA_NOW TZ=$TZ"

# Prints "label: median X ms (min A, max B, sd C; N runs)" from a hyperfine export.
summary() {
    python3 - "$1" "$2" "$FIGURES" <<'EOF'
import json, sys
r = json.load(open(sys.argv[2]))["results"][0]
ms = lambda s: s * 1000
print(f"{sys.argv[1]}: median {ms(r['median']):.1f} ms (min {ms(r['min']):.1f}, max {ms(r['max']):.1f}, "
      f"sd {ms(r['stddev'] or 0):.1f}; {len(r['times'])} runs)")
with open(sys.argv[3], "a") as f:
    f.write(f"{sys.argv[1]} ms\t{ms(r['median']):.3f}\n")
EOF
}

if [ -n "$KEEP" ] && [ -e "$GEN" ]; then
    echo "== the collection generated before ($CARDS cards, $REVIEWS log rows): $GEN"
    rm -rf "$WORK/backups"
else
    echo "== generate $CARDS cards, $REVIEWS log rows"
    rm -rf "$GEN" "$GEN"-* "$WORK/backups"
    $RT /usr/bin/time -f 'generate: %e s, peak RSS %M KB' "$GENERATE" --collection "$GEN" --cards "$CARDS" --reviews "$REVIEWS" --seed 1
    sqlite3 "$GEN" 'PRAGMA integrity_check'
fi
ls -l "$GEN" | awk '{print "collection file: " $5 " bytes"}'

echo "== first command of the study day (includes the daily backup)"
$RT /usr/bin/time -f 'status --json, first of the day: %e s' "$BIN" --collection "$GEN" status --json >/dev/null

printf 'q\n' >"$WORK/quit.txt"
echo "== process start to first card shown (review, line protocol)"
$RT hyperfine --style none --warmup 5 --runs "$RUNS" --export-json "$WORK/first-card.json" \
    "$BIN --collection $GEN review < $WORK/quit.txt" >/dev/null
summary "first card" "$WORK/first-card.json"

echo "== status --json"
$RT hyperfine --style none -N --warmup 5 --runs "$RUNS" --export-json "$WORK/status.json" \
    "$BIN --collection $GEN status --json" >/dev/null
summary "status --json" "$WORK/status.json"

echo "== stats --json"
if "$BIN" --collection "$GEN" stats --json >/dev/null 2>&1; then
    $RT hyperfine --style none -N --warmup 3 --runs "$FEW" --export-json "$WORK/stats.json" \
        "$BIN --collection $GEN stats --json" >/dev/null
    summary "stats --json" "$WORK/stats.json"
else
    echo "stats --json: not available in this build"
fi

echo "== peak memory of a review session (50 answers, line protocol)"
python3 -c "print('3\n' * 50 + 'q')" >"$WORK/answers.txt"
rm -rf "$WORK/backups" # the day's backup of $GEN (gigabytes at 10x): not needed any more
cp "$GEN" "$WORK/session.sqlite3"
"$BIN" --collection "$WORK/session.sqlite3" status >/dev/null # today's backup of the copy, not measured
$RT /usr/bin/time -o "$WORK/session.time" -f '%e %M' "$BIN" --collection "$WORK/session.sqlite3" review \
    <"$WORK/answers.txt" | grep -c '^answered: ' | sed 's/^/answers committed: /'
read -r seconds kib <"$WORK/session.time"
echo "review, 50 answers: $seconds s, peak RSS $kib KB"
figure "review session peak MiB" "$(python3 -c "print(round($kib / 1024, 1))")"
rm -rf "$WORK/backups" "$WORK"/session.sqlite3* # the copy and its backup

echo "== answer commit (on a copy of the collection), and the disk's own fsync just before and after"
cp "$GEN" "$WORK/answers.sqlite3"
$RT python3 bench/fsync_probe.py "$WORK" "$ANSWERS"
$RT "$LATENCY" "$WORK/answers.sqlite3" "$ANSWERS" | tee "$WORK/latency.txt"
figure "answer step p99 ms" "$(sed -n 's/.*next card.*p99 \([0-9.]*\) ms.*/\1/p' "$WORK/latency.txt" | head -1)"
$RT python3 bench/fsync_probe.py "$WORK" "$ANSWERS"
rm -f "$WORK"/answers.sqlite3*

echo "== cold build of a $FACTS-fact deck file into an empty collection"
python3 bench/gen_deck.py "$FACTS" "$DECK"
$RT hyperfine --style none --runs 5 --prepare "rm -rf $BUILD $BUILD-wal $BUILD-shm $WORK/backups" \
    --export-json "$WORK/build-cold.json" "$BIN --collection $BUILD build $DECK" >/dev/null
summary "cold build" "$WORK/build-cold.json"

echo "== rebuild of the same unchanged file"
sqlite3 "$BUILD" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
before=$(sha256sum "$BUILD" | cut -d' ' -f1)
$RT hyperfine --style none -N --warmup 3 --runs "$FEW" --export-json "$WORK/build-again.json" \
    "$BIN --collection $BUILD build $DECK" >/dev/null
summary "unchanged rebuild" "$WORK/build-again.json"
wal=$(stat -c %s "$BUILD-wal" 2>/dev/null || echo 0)
after=$(sha256sum "$BUILD" | cut -d' ' -f1)
if [ "$before" = "$after" ] && [ "$wal" = 0 ]; then
    echo "unchanged rebuild wrote nothing (same file bytes, empty WAL)"
else
    echo "unchanged rebuild WROTE to the collection (WAL $wal bytes)"
fi
python3 - "$WORK/build-cold.json" "$WORK/build-again.json" <<'EOF'
import json, sys
cold, again = (json.load(open(p))["results"][0]["median"] for p in sys.argv[1:])
print(f"rebuild / cold: {100 * again / cold:.1f}%")
EOF

if [ "${SBS:-1}" = 0 ]; then
    echo "== side by side with Anki: skipped (SBS=0)"
    exit 0
fi
echo "== side by side with Anki ($CARDS cards, $REVIEWS log rows in one deck, $ROUNDS round(s))"
python3 bench/side_by_side.py "$WORK/side-by-side" --cards "$CARDS" --reviews "$REVIEWS" --rounds "$ROUNDS" \
    --answers "$ANSWERS" --runs "$SBS_RUNS" --facts "$FACTS" --json "$WORK/side-by-side.json"

if [ -n "$CHECK" ]; then
    python3 bench/check.py bench/reference.json "$CHECK" "$FIGURES" "$WORK/side-by-side.json"
else
    echo "== no regression check: the reference figures are for the --quick and the default sizes"
fi
