#!/usr/bin/env bash
# Two Syncthing instances on loopback carry the sync folder between two
# collections (issue 18):
#
#   bench/syncthing.sh [WORK_DIR]     (default /tmp/iskra-syncthing; needs syncthing, python3)
#
# Debian's `syncthing` package (sudo apt-get install syncthing). Each
# instance gets its own home, listens on 127.0.0.1 only (no discovery, no
# relays, no NAT, no usage reports) and knows the other by address; both
# share one folder, `iskra`, each with its own copy (WORK/a/folder and
# WORK/b/folder). Collection A syncs with A's copy and B with B's, never
# the other's: only Syncthing moves files between them. Both answer the
# same new cards offline, then sync A, B, A, waiting each time until
# Syncthing has carried the files; the script fails unless both
# collections end with the same cards and the same review log (every
# answer once) and `iskra check` passes on both. It stops the two
# Syncthing processes it started when it ends.
set -euo pipefail

cd "$(dirname "$0")/.."
WORK=${1:-/tmp/iskra-syncthing}
command -v syncthing >/dev/null || { echo "syncthing is missing (Debian: sudo apt-get install syncthing)" >&2; exit 1; }
cargo build --release --quiet
BIN=$PWD/target/release/iskra
export TZ=UTC NO_COLOR=1
unset ISKRA_COLLECTION ISKRA_NOW
rm -rf "$WORK"
mkdir -p "$WORK"
APIKEY=iskra-bench-key
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# setup NAME LISTEN_PORT GUI_PORT: a Syncthing home and a folder copy.
setup() {
    local home=$WORK/$1/syncthing
    mkdir -p "$WORK/$1/folder"
    touch "$WORK/$1/folder/.stfolder"
    syncthing generate --home="$home" --no-default-folder >/dev/null 2>&1
    syncthing serve --home="$home" --device-id
}
ID_A=$(setup a)
ID_B=$(setup b)

# configure NAME ID PORT GUI_PORT OTHER_ID OTHER_PORT
configure() {
    python3 - "$WORK/$1/syncthing/config.xml" "$2" "$3" "$4" "$5" "$6" "$WORK/$1/folder" "$APIKEY" <<'EOF'
import sys, xml.etree.ElementTree as ET
path, me, port, gui_port, other, other_port, folder, key = sys.argv[1:]
tree = ET.parse(path)
root = tree.getroot()
gui = root.find("gui")
gui.find("address").text = f"127.0.0.1:{gui_port}"
gui.find("apikey").text = key
options = root.find("options")
for name, value in {
    "listenAddress": f"tcp://127.0.0.1:{port}",
    "globalAnnounceEnabled": "false",
    "localAnnounceEnabled": "false",
    "relaysEnabled": "false",
    "natEnabled": "false",
    "urAccepted": "-1",
    "autoUpgradeIntervalH": "0",
    "crashReportingEnabled": "false",
    "startBrowser": "false",
}.items():
    options.find(name).text = value
device = ET.SubElement(root, "device", id=other, name="other", compression="metadata", introducer="false")
ET.SubElement(device, "address").text = f"tcp://127.0.0.1:{other_port}"
f = ET.SubElement(root, "folder", id="iskra", label="iskra", path=folder, type="sendreceive",
                  rescanIntervalS="10", fsWatcherEnabled="true", fsWatcherDelayS="1")
ET.SubElement(f, "device", id=me)
ET.SubElement(f, "device", id=other)
tree.write(path)
EOF
}
configure a "$ID_A" 22101 8391 "$ID_B" 22102
configure b "$ID_B" 22102 8392 "$ID_A" 22101

for name in a b; do
    syncthing serve --home="$WORK/$name/syncthing" --no-browser --no-restart \
        --logfile="$WORK/$name/syncthing.log" >/dev/null 2>&1 &
    PIDS+=($!)
done
echo "syncthing $(syncthing --version | cut -d' ' -f2) on 127.0.0.1:22101 (A) and :22102 (B)"

# Waits until the two instances are connected.
connected() {
    python3 - "$APIKEY" <<'EOF'
import json, sys, time, urllib.request
key = sys.argv[1]
for _ in range(120):
    try:
        req = urllib.request.Request("http://127.0.0.1:8391/rest/system/connections", headers={"X-API-Key": key})
        conns = json.load(urllib.request.urlopen(req, timeout=2))["connections"]
        if any(c["connected"] for c in conns.values()):
            sys.exit(0)
    except Exception:
        pass
    time.sleep(0.5)
sys.exit("the two syncthing instances did not connect within 60 s")
EOF
}
connected
echo "connected"

# Waits until both copies of the folder hold the same iskra files (names and bytes).
carried() {
    local start=$SECONDS
    python3 - "$WORK/a/folder" "$WORK/b/folder" <<'EOF'
import hashlib, os, sys, time
def files(root):
    out = {}
    for d, dirs, names in os.walk(os.path.join(root, "iskra-sync")):
        out.update({os.path.relpath(os.path.join(d, n), root): "folder" for n in dirs})
        for n in names:
            if n.startswith(".syncthing.") or n.startswith("~syncthing~"):
                continue
            p = os.path.join(d, n)
            out[os.path.relpath(p, root)] = hashlib.sha256(open(p, "rb").read()).hexdigest()
    return out
for _ in range(240):
    a, b = files(sys.argv[1]), files(sys.argv[2])
    if a == b:
        sys.exit(0)
    time.sleep(0.5)
sys.exit("syncthing did not carry the files within 120 s")
EOF
    echo "  carried by syncthing in $((SECONDS - start)) s"
}

iskra() { # iskra NAME ARGS...
    local name=$1
    shift
    "$BIN" --collection "$WORK/$name/collection.sqlite3" "$@"
}

echo "== each collection syncs with its own copy once"
iskra a sync "$WORK/a/folder"
iskra b sync "$WORK/b/folder"
carried

echo "== offline: both answer the first new cards, B also later ones"
printf '3\n3\n1\n3\nq\n' | iskra a review --deck people 2>&1 | grep -E '^(Session done|sync)' || true
printf '4\n3\n3\n2\n3\n3\nq\n' | iskra b review --deck people 2>&1 | grep -E '^(Session done|sync)' || true
iskra b flag 2 "$(iskra b search deck:people | awk 'NR == 2 {print $1}')" >/dev/null
carried

echo "== sync A, B, A (Syncthing carries the files between)"
iskra a sync
carried
iskra b sync
carried
iskra a sync

python3 - "$WORK/a/collection.sqlite3" "$WORK/b/collection.sqlite3" <<'EOF'
import sqlite3, sys
cards = "id, template, state, queue, remaining_steps, stability, difficulty, interval, last_review_day, reps, lapses, buried_day, flag, leech, case when state = 0 then 0 else due end"
def tables(path):
    c = sqlite3.connect(path)
    log = ", ".join(r[1] for r in c.execute("pragma table_info(review_log)") if r[1] != "id")
    return (sorted(c.execute(f"select {cards} from cards").fetchall()),
            sorted(c.execute(f"select {log} from review_log").fetchall()))
(ca, la), (cb, lb) = tables(sys.argv[1]), tables(sys.argv[2])
print(f"cards: {len(ca)} on A, {len(cb)} on B, {'identical' if ca == cb else 'DIFFERENT'}")
print(f"review log: {len(la)} rows on A, {len(lb)} on B, {'identical' if la == lb else 'DIFFERENT'}")
sys.exit(0 if ca == cb and la == lb else 1)
EOF
iskra a check | tail -1
iskra b check | tail -1
