#!/usr/bin/env bash
# Hostile text imports (review-recursion #1, #3, #5, #8): makes the inputs in
# DIR, imports each with --dry-run into a fresh collection under a 3 GB
# address-space cap, prints time and peak RSS. Then (review5 F1, F2) imports
# and builds for real what a small file could make large: rows held per row,
# clozes whose every card holds the whole text; prints time, peak RSS and the
# collection's size. Usage: bench/hostile_import.sh BIN DIR
set -u
BIN=$1; DIR=$2; mkdir -p "$DIR"; cd "$DIR"
python3 - <<'PY'
w = lambda name, text: open(name, 'w').write(text)
w('long1500.txt', '#separator:tab\n#html:false\n#notetype:Cloze\n' + ''.join('{{c%d::%s}}' % (i + 1, 'a' * 1000) for i in range(1500)) + '\textra\n')
w('many3000.txt', '#separator:tab\n#html:false\n#notetype:Cloze\n' + ''.join('{{c%d::a}}' % (i + 1) for i in range(3000)) + '\textra\n')
w('lt300k.txt', '#separator:tab\n#html:true\n' + '<' * 300000 + '\tback\n')
w('style300k.txt', '#separator:tab\n#html:true\n' + '<style></style>' * 20000 + '\tback\n')
w('sound300k.txt', '#separator:tab\n#html:true\n' + '[sound:' * 42000 + '\tback\n')
w('guess300k.txt', '<a' * 150000 + '\tback\n')
w('q8000.csv', '#separator:comma\n' + '"a"b,' * 8000 + '\n')
w('empty100000.txt', '#separator:tab\n#html:false\n' + '\tx\n' * 100000)
# review5 F2: 20 MB of empty rows; one row of 20,000,000 tabs.
w('rows.txt', 'q\ta\n' + '\t\n' * 10000000)
w('tabs.txt', 'q\ta\n' + '\t' * 20000000 + '\n')
# review5 F1: 20 clozes of 500 numbered deletions in ~19.9k characters
# (388 KB), as a text import and as a deck file; and the most a deck file
# can still make: 259 clozes of 128 deletions in 1,536 characters (403 KB),
# each allowed its 128 cards (200,000 / 1,536 = 130; about the length that
# makes the most card text per byte of deck).
parts = ' '.join('{{c%d::x}} ' % (i + 1) + 'y' * 26 for i in range(500))
w('cl.txt', '#separator:tab\n#notetype:Cloze\n' + ''.join('n%d ' % f + parts + '\t\n' for f in range(20)))
import os
os.makedirs('decks', exist_ok=True)
parts = ' '.join('{{x%d}} ' % i + 'y' * 30 for i in range(500))
w('decks/amp.deck', '# Amp\n\n' + '\n'.join('## f%d\ncloze: %s\n' % (f, parts) for f in range(20)))
w('decks/most.deck', '# Most\n\n' + '\n'.join('## f%d\ncloze: %s\n' % (f, '{{x}}yyyyyy ' * 128) for f in range(259)))
PY
for f in long1500.txt many3000.txt lt300k.txt style300k.txt sound300k.txt guess300k.txt q8000.csv empty100000.txt; do
  rm -rf c && mkdir c
  ( ulimit -v 3000000; ISKRA_NOW=2026-11-22T10:00:00Z timeout 300 /usr/bin/time -f "$f: %e s, %M KB peak" \
      "$BIN" --collection c/c.sqlite3 import "$f" --dry-run > out 2> err; tail -1 err; echo "  stdout $(wc -c < out) B, stderr $(wc -c < err) B" )
done
real() {  # LABEL ARGS...: a real run into a fresh collection
  local label=$1; shift
  rm -rf c && mkdir c
  ( ulimit -v 3000000; ISKRA_NOW=2026-11-22T10:00:00Z timeout 600 /usr/bin/time -f "$label: %e s, %M KB peak, rc %x" \
      "$BIN" --collection c/c.sqlite3 "$@" > out 2> err; tail -1 err; echo "  collection $(stat -c %s c/c.sqlite3) B; $(grep -m1 -o 'not imported[^(]*' out)" )
}
real rows.txt import rows.txt
real tabs.txt import tabs.txt
real cl.txt import cl.txt
real amp.deck build decks/amp.deck
real most.deck build decks/most.deck
rm -rf c out err decks
