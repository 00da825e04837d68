#!/usr/bin/env bash
# Hostile text imports (review-recursion #1, #3, #5, #8): makes the inputs in
# DIR, imports each with --dry-run into a fresh collection under a 3 GB
# address-space cap, prints time and peak RSS. Usage: bench/hostile_import.sh BIN DIR
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
PY
for f in long1500.txt many3000.txt lt300k.txt style300k.txt sound300k.txt guess300k.txt q8000.csv empty100000.txt; do
  rm -rf c && mkdir c
  ( ulimit -v 3000000; ISKRA_NOW=2026-11-22T10:00:00Z timeout 300 /usr/bin/time -f "$f: %e s, %M KB peak" \
      "$BIN" --collection c/c.sqlite3 import "$f" --dry-run > out 2> err; tail -1 err; echo "  stdout $(wc -c < out) B, stderr $(wc -c < err) B" )
done
rm -rf c out err
