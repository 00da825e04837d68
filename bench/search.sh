#!/usr/bin/env bash
# `iskra search` at 100,000 cards, side by side with Anki's own search, as
# BENCHMARKS.md ("Search") reports it:
#
#   bench/search.sh [WORK_DIR]     (default /tmp/iskra-search-bench; needs python3)
#
# Generates the collection of bench/run.sh (100,000 cards, 1,000,000 log
# rows, seed 1, history ending 2026-11-22), then times each query as a whole
# `iskra search` process (bench/time_runs.py: median of RUNS runs after a
# warm-up, output to /dev/null). If the pinned `anki` is installed in
# target/anki-venv (tests/anki_interop.rs installs it), the decks are
# exported as Anki packages with their history, imported into a fresh Anki
# collection, and Anki's `col.find_cards` is timed on the same queries
# (bench/search_anki.py), and iskra's search in-process for a like-for-like
# figure (examples/search_latency). Anki reads the system clock, so iskra is run at
# the same instant (ISKRA_NOW = now) for the comparison, and both report
# how many cards they found.
set -euo pipefail

cd "$(dirname "$0")/.."
WORK=${1:-/tmp/iskra-search-bench}
RUNS=${RUNS:-20}
RT=${RT:-} # e.g. RT='chrt -f 50': each measurement at real-time priority, as bench/run.sh
export TZ=UTC NO_COLOR=1
unset ISKRA_COLLECTION

cargo build --release --quiet
cargo build --release --quiet --example generate
cargo build --release --quiet --example search_latency
BIN=$PWD/target/release/iskra
GENERATE=$PWD/target/release/examples/generate
LATENCY=$PWD/target/release/examples/search_latency
ANKI_PYTHON=$PWD/target/anki-venv/bin/python
mkdir -p "$WORK"
GEN=$WORK/generated.sqlite3

echo "== machine"
lscpu | grep -E '^(Model name|CPU\(s\))' | sed 's/  */ /g'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)${RT:+; measured under $RT}"
echo "$(git rev-parse --short HEAD)$(git diff --quiet || echo ' + uncommitted changes')"

if [ ! -e "$GEN" ]; then
    ISKRA_NOW=2026-11-22T10:00:00Z "$GENERATE" --collection "$GEN" --cards 100000 --reviews 1000000 --seed 1
fi
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
export ISKRA_NOW=$NOW
"$BIN" --collection "$GEN" status >/dev/null # today's backup, not measured
echo "== iskra search (whole process), at $NOW"

# iskra query | Anki query (the same cards: Anki names the decks by title)
QUERIES=(
    'deck:gen-03 is:due|deck:"Generated 3" is:due'
    '"question 4242"|"question 4242"'
    'tag:t1 prop:lapses>3|tag:t1 prop:lapses>3'
    'prop:r<0.7 -is:suspended|prop:r<0.7 -is:suspended'
    'rated:30:1|rated:30:1'
    'is:due|is:due'
    'is:new|is:new'
)
ISKRA_QUERIES=()
ANKI_QUERIES=()
for pair in "${QUERIES[@]}"; do
    query=${pair%%|*}
    found=$("$BIN" --collection "$GEN" search --json -- "$query" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["cards"]))')
    $RT python3 bench/time_runs.py "$RUNS" "$query ($found cards)" -- "$BIN" --collection "$GEN" search -- "$query"
    ISKRA_QUERIES+=("$query")
    ANKI_QUERIES+=("${pair#*|}")
done
echo "== iskra search in-process (examples/search_latency)"
$RT "$LATENCY" "$GEN" "$RUNS" "${ISKRA_QUERIES[@]}"

if [ -x "$ANKI_PYTHON" ]; then
    echo "== Anki col.find_cards (in-process), same collection"
    for deck in $("$BIN" --collection "$GEN" deck list | awk '/^Generated/ {print $3}'); do
        [ -e "$WORK/$deck.apkg" ] || "$BIN" --collection "$GEN" export deck "$deck" --format apkg --with-history --out "$WORK/$deck.apkg" >/dev/null
    done
    $RT "$ANKI_PYTHON" bench/search_anki.py "$WORK" "$RUNS" "$WORK"/gen-*.apkg -- "${ANKI_QUERIES[@]}"
else
    echo "== Anki: not installed (cargo test --test anki_interop installs it into target/anki-venv)"
fi
