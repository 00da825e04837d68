#!/usr/bin/env bash
# The sync benchmarks of BENCHMARKS.md (issue 18), reproducibly:
#
#   bench/sync.sh [WORK_DIR]          (default /tmp/iskra-sync-bench; needs hyperfine, python3)
#
# Builds the release binary and the generator, generates a collection A of
# $CARDS cards with $REVIEWS review-log rows (seed 1), and measures:
#
# 1. A's first sync into an empty folder (a snapshot of every studied card,
#    its whole history and its decks written as chunks and deck files);
# 2. an empty collection B syncing all of that in (the decks built from the
#    folder's deck files, every history row replayed into its log): time and
#    peak memory, $BIG_RUNS runs;
# 3. a sync with nothing to do (A, after the above): the whole process, next
#    to `iskra config retention` (start, open the collection, read a
#    setting), whose difference is the sync's own cost;
# 4. a daily sync: A answers $ANSWERS cards in a review (which syncs at its
#    end) the next day, then B reads them: `iskra sync` on a copy of B made
#    before, each run.
#
# Sizes can be lowered for a quick check: CARDS=5000 REVIEWS=50000 bench/sync.sh
# On a machine shared with other work, RT='chrt -f 50' runs each measurement
# (not the build) at real-time priority, so other processes wait.
set -euo pipefail

cd "$(dirname "$0")/.."
WORK=${1:-/tmp/iskra-sync-bench}
CARDS=${CARDS:-100000}
REVIEWS=${REVIEWS:-1000000}
ANSWERS=${ANSWERS:-500}
RUNS=${RUNS:-30}
BIG_RUNS=${BIG_RUNS:-3}
RT=${RT:-}
export ISKRA_NOW=${ISKRA_NOW:-2026-11-22T10:00:00Z} TZ=${TZ:-UTC} NO_COLOR=1
unset ISKRA_COLLECTION

cargo build --release --quiet
cargo build --release --quiet --example generate
BIN=$PWD/target/release/iskra
GENERATE=$PWD/target/release/examples/generate
rm -rf "$WORK"
mkdir -p "$WORK/folder"
A=$WORK/a/collection.sqlite3
B=$WORK/b/collection.sqlite3
mkdir -p "$WORK/a" "$WORK/b" "$WORK/b0"

echo "== machine"
lscpu | grep -E '^(Model name|CPU\(s\))' | sed 's/  */ /g'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)${RT:+; measured under $RT}"
echo "$(git rev-parse --short HEAD)$(git diff --quiet || echo ' + uncommitted changes'), ISKRA_NOW=$ISKRA_NOW TZ=$TZ"

# Prints "label: median X ms (min A, max B, sd C; N runs)" from a hyperfine export.
summary() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
r = json.load(open(sys.argv[2]))["results"][0]
ms = lambda s: s * 1000
print(f"{sys.argv[1]}: median {ms(r['median']):.1f} ms (min {ms(r['min']):.1f}, max {ms(r['max']):.1f}, "
      f"sd {ms(r['stddev'] or 0):.1f}; {len(r['times'])} runs)")
EOF
}

echo "== generate A: $CARDS cards, $REVIEWS log rows"
"$GENERATE" --collection "$A" --cards "$CARDS" --reviews "$REVIEWS" --seed 1 >/dev/null
"$BIN" --collection "$A" status >/dev/null # today's backup, not measured

echo "== A's first sync (snapshot, history and decks written to the folder)"
$RT /usr/bin/time -f 'A first sync: %e s, peak RSS %M KB' "$BIN" --collection "$A" sync "$WORK/folder"
du -sh "$WORK/folder/iskra-sync" | sed 's/^/folder: /'

echo "== an empty collection B syncs all of it in ($BIG_RUNS runs)"
for i in $(seq "$BIG_RUNS"); do
    rm -rf "$WORK/b"/*
    $RT /usr/bin/time -f "B first sync, run $i: %e s, peak RSS %M KB" "$BIN" --collection "$B" sync "$WORK/folder"
done
echo "B's log rows: $(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from review_log').fetchone()[0])" "$B")"
"$BIN" --collection "$B" check | tail -1

# An hour later: events of one card made at the same millisecond (a fixed
# ISKRA_NOW for the first sync's snapshot and a later answer) replay in uid
# order, not in the order they were made.
export ISKRA_NOW=${LATER:-2026-11-22T11:00:00Z}
echo "== nothing to do (A, whole process), next to a command that only opens the collection"
"$BIN" --collection "$A" sync >/dev/null
$RT hyperfine --style none -N --warmup 5 --runs "$RUNS" --export-json "$WORK/noop.json" \
    "$BIN --collection $A sync" >/dev/null
summary "sync, nothing to do" "$WORK/noop.json"
$RT hyperfine --style none -N --warmup 5 --runs "$RUNS" --export-json "$WORK/open.json" \
    "$BIN --collection $A config retention" >/dev/null
summary "config retention (baseline)" "$WORK/open.json"

echo "== a daily sync: A answers $ANSWERS cards the next day, B reads them"
export ISKRA_NOW=${NEXT_DAY:-2026-11-23T10:00:00Z}
"$BIN" --collection "$B" sync >/dev/null # today's backup, not measured
cp "$B" "$WORK/b0/"
[ ! -e "$B-wal" ] || { echo "B's write-ahead log was left behind" >&2; exit 1; }
# Easy on each: no card comes back in the session (ISKRA_NOW stands still,
# so a learning card shown again would be answered at the same millisecond).
python3 -c "print('4\n' * $ANSWERS + 'q')" >"$WORK/answers.txt"
# The day's limits would stop A before $ANSWERS answers: raised (a shared
# setting, read by B with the answers).
"$BIN" --collection "$A" config reviews-per-day "$ANSWERS" >/dev/null
"$BIN" --collection "$A" review --limit "$ANSWERS" <"$WORK/answers.txt" 2>&1 >/dev/null | tail -1
echo "A's log rows now $(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from review_log').fetchone()[0])" "$A")"
# `sync` after the copy: else the sync's fsync of the collection also
# writes out the 300 MB copy (tens to hundreds of ms, varying).
$RT hyperfine --style none --warmup 2 --runs "$RUNS" \
    --prepare "rm -f $B-wal $B-shm; cp $WORK/b0/collection.sqlite3 $B; sync" --export-json "$WORK/daily.json" \
    "$BIN --collection $B sync" >/dev/null
summary "B reads A's answers" "$WORK/daily.json"
"$BIN" --collection "$B" sync
A_LOG=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from review_log').fetchone()[0])" "$A")
B_LOG=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from review_log').fetchone()[0])" "$B")
echo "log rows: A $A_LOG, B $B_LOG"
# Cards A studied have the same id on B (announced by the events); a card
# never studied keeps the generator's id on A, where B derives its own, and
# a new card's due is its place in each collection's own order.
python3 - "$A" "$B" <<'PY'
import sqlite3, sys
cols = "id, template, state, queue, due, remaining_steps, stability, difficulty, interval, last_review_day, reps, lapses, buried_day, flag, leech"
q = f"select {cols} from cards where state != 0 union all select {cols.replace('due', '0')} from cards where state = 0"
a = sqlite3.connect(sys.argv[1]).execute(q).fetchall()
b = {r[0]: r for r in sqlite3.connect(sys.argv[2]).execute(q).fetchall()}
studied = [r for r in a if r[2] != 0 or r[11] > 0]
same = sum(1 for r in studied if b.get(r[0]) == r)
print(f"A's {len(studied)} studied cards: {same} identical on B, {len(studied) - same} differ")
PY
