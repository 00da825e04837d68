#!/bin/bash
# A/B of the answer step with and without schema 8's cards_schedule index (same binary, same data).
set -e
L0=$(cd "$(dirname "$0")/.." && pwd)
cd "${1:?usage: answer_index_ab.sh WORK (a side_by_side.py work dir holding gen-100000.sqlite3)}"; mkdir -p ab; cd ab
L=${ANSWER_LATENCY:-$L0/target/release/examples/answer_latency}
for r in 1 2 3 4; do
  for v in with without; do
    cp ../gen-100000.sqlite3 c-$v.sqlite3; rm -f c-$v.sqlite3-wal c-$v.sqlite3-shm
    if [ $v = without ]; then sqlite3 c-$v.sqlite3 "DROP INDEX cards_schedule"; fi
    sync
    echo "round $r $v: $(ISKRA_NOW=2026-11-22T12:00:00Z TZ=UTC $L c-$v.sqlite3 300 2>&1 | grep -E 'median' | tr '\n' ' ')"
  done
done
rm -f c-*.sqlite3*
