#!/usr/bin/env bash
# The streamed pending list (issue 13, "Lists that never lie"): GET /v1/files/pending/ with 1,000 / 10,000 / … requests
# in the database, on the real app (Release build) over loopback. For each size the app is started afresh on the same
# data folder; the signed-files list is called once first (the same streaming code path, so JIT and the SQLite pool
# are warm), then the pending list: the web process's peak resident growth during the call (VmHWM, reset through
# /proc/<pid>/clear_refs, minus VmRSS just before), the time and the body's size. The rows are copies of one request
# made through the API (python3's sqlite3 copies the Requests and Recipients rows; a new PublicId each).
# Writes the "Streamed lists" section of docs/benchmarks.md (the rest of the file is kept).
#
#   bench/lists/run.sh                               # build (Release), 1000 and 10000, write the doc
#   SIZES="1000 10000 50000" SKIP_BUILD=1 WRITE_DOC=0 bench/lists/run.sh
#
# Needs dotnet, curl, jq, python3. Linux only (/proc). About 2 minutes.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SIZES=${SIZES:-"1000 10000"}
WRITE_DOC=${WRITE_DOC:-1}
DOC="$ROOT/docs/benchmarks.md"
SECTION="## Streamed lists (\`bench/lists/run.sh\`)"

log() { printf '[lists-bench] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

for tool in dotnet curl jq python3; do command -v "$tool" >/dev/null || die "$tool is required"; done

# shellcheck source=../lib.sh
. "$ROOT/bench/lib.sh"
bench_build

DATA=$(mktemp -d /tmp/esign-lists-XXXXXX)
APP_PID=""
stop_app() {
    if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; fi
    APP_PID=""
}
cleanup() { stop_app; rm -rf "$DATA"; }
trap cleanup EXIT

python3 - "$DATA/one.pdf" <<'PY'
import sys
objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"}
with open(sys.argv[1], "wb") as f:
    f.write(b"%PDF-1.7\n")
    offsets = {}
    for n in sorted(objs):
        offsets[n] = f.tell()
        f.write(b"%d 0 obj\n" % n + objs[n] + b"\nendobj\n")
    xref = f.tell()
    f.write(b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % offsets[n] for n in (1, 2, 3)))
    f.write(b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref)
PY

PORT=$(bench_free_port)
BASE="http://127.0.0.1:$PORT"
export ESign__DataPath="$DATA/data"
export ASPNETCORE_ENVIRONMENT=Production
export ESign__PublicBaseUrl="$BASE/"

log "creating the API key (apikey create)"
KEY=$(bench_api_key lists@example.com lists-bench)
AUTH="Authorization: Bearer $KEY"

bench_start_app "$BASE"
FILE_ID=$(curl -fsS -H "$AUTH" -F name=one.pdf -F "file=@$DATA/one.pdf;type=application/pdf" "$BASE/v1/files/original/" | jq -r .id)
REQUEST_ID=$(curl -fsS -H "$AUTH" -H 'Content-Type: application/json' \
    -d "{\"original_file_id\": $FILE_ID, \"name\": \"Bench request\", \"recipients\": [{\"email\": \"signer@example.com\", \"first_name\": \"Sig\", \"last_name\": \"Ner\"}]}" \
    "$BASE/v1/files/pending/" | jq -r .pending_file_id)
[ "$REQUEST_ID" != null ] || die "could not create the first request"
stop_app

# top_up N: copies the first request until there are N requests.
top_up() {
    python3 - "$ESign__DataPath/esign.db" "$REQUEST_ID" "$1" <<'PY'
import sqlite3, sys, uuid
db, rid, target = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
con = sqlite3.connect(db)
have = con.execute("SELECT COUNT(*) FROM Requests").fetchone()[0]
rcols = [r[1] for r in con.execute("PRAGMA table_info(Requests)") if r[1] not in ("Id", "PublicId")]
xcols = [r[1] for r in con.execute("PRAGMA table_info(Recipients)") if r[1] not in ("Id", "RequestId", "TokenHash")]
row = con.execute(f"SELECT {','.join(rcols)} FROM Requests WHERE Id = ?", (rid,)).fetchone()
recipients = con.execute(f"SELECT {','.join(xcols)} FROM Recipients WHERE RequestId = ?", (rid,)).fetchall()
with con:
    for _ in range(target - have):
        cur = con.execute(f"INSERT INTO Requests ({','.join(rcols)}, PublicId) VALUES ({','.join('?' * (len(rcols) + 1))})",
                          (*row, str(uuid.uuid4()).upper()))
        for x in recipients:
            con.execute(f"INSERT INTO Recipients ({','.join(xcols)}, RequestId) VALUES ({','.join('?' * (len(xcols) + 1))})", (*x, cur.lastrowid))
print(con.execute("SELECT COUNT(*) FROM Requests").fetchone()[0])
PY
}

kb() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/$APP_PID/status"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

ROWS=""
for n in $SIZES; do
    have=$(top_up "$n")
    log "$have requests in the database"
    bench_start_app "$BASE"
    curl -fsS -o /dev/null -H "$AUTH" "$BASE/v1/files/signed/" # warm-up: the same streaming path
    before=$(kb VmRSS)
    echo 5 >"/proc/$APP_PID/clear_refs"
    out=$(curl -fsS -o "$DATA/list.json" -w '%{time_starttransfer} %{time_total} %{size_download}' -H "$AUTH" "$BASE/v1/files/pending/")
    peak=$(kb VmHWM)
    read -r first total size <<<"$out"
    count=$(jq '.count' "$DATA/list.json")
    files=$(jq '.files | length' "$DATA/list.json")
    [ "$count" = "$have" ] && [ "$files" = "$have" ] || die "count $count, files $files, expected $have"
    # Again: a list of at most 1,000 is now answered from the cache; a longer one is streamed again.
    before2=$(kb VmRSS)
    echo 5 >"/proc/$APP_PID/clear_refs"
    again=$(curl -fsS -o /dev/null -w '%{time_total}' -H "$AUTH" "$BASE/v1/files/pending/")
    peak2=$(kb VmHWM)
    log "$have: first byte ${first}s, all ${total}s, $size bytes, +$(mb $((peak - before))) MB; again ${again}s +$(mb $((peak2 - before2))) MB"
    ROWS+="| $have | $(printf '%.1f' "$(awk -v s="$size" 'BEGIN { print s / 1048576 }')") MiB | $(printf '%.3f' "$first") s | $(printf '%.3f' "$total") s | **+$(mb $((peak - before))) MB** | $(printf '%.3f' "$again") s, +$(mb $((peak2 - before2))) MB |"$'\n'
    stop_app
done

CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
OS=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME" || uname -sr)
RUNTIME=$(dotnet --list-runtimes | awk '/^Microsoft.AspNetCore.App/ { v = $2 } END { print v }')
SECTION_FILE="$DATA/section.md"
cat >"$SECTION_FILE" <<EOF
$SECTION

\`GET /v1/files/pending/\` returning every request (issue 13: it used to stop silently at 1,000). The list is read as
one snapshot in keyset batches of 500 and written batch by batch (\`Api/StreamedJson\`), so the web process's memory
should not grow with the list. Each size on a freshly started app (warmed up by one signed-files list, the same code
path); growth is the web process's peak resident memory during the call (\`VmHWM\` after \`clear_refs\`) minus its
resident memory just before. The second call: a list of at most 1,000 comes from the response cache, a longer one is
streamed again (never kept).

| requests | body | first byte | whole list | web process peak growth | second call |
|---|---|---|---|---|---|
${ROWS%$'\n'}

Measured $(date -u +%Y-%m-%d) on $(nproc) cores${CPU:+ ($CPU)}, ASP.NET Core $RUNTIME, $OS; the machine may be busy
with other work (up to eight builds at once). Reproduce: \`bench/lists/run.sh\` (\`SIZES="1000 10000 50000"\` for more).
EOF
cat "$SECTION_FILE"
bench_write_section "$SECTION_FILE"
