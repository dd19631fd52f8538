#!/usr/bin/env bash
# Memory of the web process while it takes a 100 MB upload (issue 9): the real app (Release build) on 127.0.0.1,
# a fresh data directory, uploads over loopback with curl. For each upload the web process's peak resident memory
# (VmHWM, reset before each upload through /proc/<pid>/clear_refs) is compared with its resident memory just before:
#
#   bare baseline  POST /bench/discard-upload   the same multipart form read the same way, the file part discarded
#   valid PDF      POST /v1/files/original/     a valid 100 MB PDF (48 pages, each a 2 MB incompressible image)
#   junk           POST /v1/files/original/     "%PDF-" followed by 100 MB of random bytes
#
# Worker processes (children of the app) are sampled separately. Writes the "Memory of an upload" section of
# docs/benchmarks.md (the rest of the file is kept).
#
#   bench/memory/run.sh                       # build (Release), measure RUNS times each, write the doc
#   SKIP_BUILD=1 RUNS=1 WRITE_DOC=0 bench/memory/run.sh
#
# Needs dotnet, curl, jq, python3 (to write the test files). Linux only (/proc). About 2 minutes.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUNS=${RUNS:-2}
MB=${MB:-100}
WRITE_DOC=${WRITE_DOC:-1}
DOC="$ROOT/docs/benchmarks.md"
SECTION="## Memory of an upload (\`bench/memory/run.sh\`)"

log() { printf '[memory-bench] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

for tool in dotnet curl jq python3; do command -v "$tool" >/dev/null || die "$tool is required"; done

# shellcheck source=../lib.sh
. "$ROOT/bench/lib.sh"
bench_build

DATA=$(mktemp -d /tmp/esign-memory-XXXXXX)
APP_PID=""
SAMPLER_PID=""
cleanup() {
    if [ -n "$SAMPLER_PID" ] && kill -0 "$SAMPLER_PID" 2>/dev/null; then kill "$SAMPLER_PID"; wait "$SAMPLER_PID" 2>/dev/null || true; fi
    if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; fi
    rm -rf "$DATA"
}
trap cleanup EXIT

log "writing the test files ($MB MB each)"
python3 - "$DATA/valid.pdf" "$DATA/junk.pdf" "$MB" <<'PY'
import os, sys
valid, junk, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
# A valid PDF: pages of 1000 x 700 RGB images of random bytes (2.1 MB each, no filter: incompressible), exact xref.
w, h = 1000, 700
pages = max(1, (mb * 1024 * 1024) // (w * h * 3))
objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
kids = []
for i in range(pages):
    page, content, image = 4 + 3 * i, 5 + 3 * i, 6 + 3 * i
    kids.append(b"%d 0 R" % page)
    objs[page] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> "
                  b"/XObject << /Im1 %d 0 R >> >> /Contents %d 0 R >>" % (image, content))
    text = b"q 540 0 0 378 36 300 cm /Im1 Do Q BT /F1 24 Tf 72 700 Td (Page %d) Tj ET" % (i + 1)
    objs[content] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text)
    data = os.urandom(w * h * 3)
    objs[image] = (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
                   b"/BitsPerComponent 8 /Length %d >>\nstream\n" % (w, h, len(data))) + data + b"\nendstream"
objs[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), pages)
with open(valid, "wb") as f:
    f.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for n in sorted(objs):
        offsets[n] = f.tell()
        f.write(b"%d 0 obj\n" % n + objs[n] + b"\nendobj\n")
    xref = f.tell()
    size = max(objs) + 1
    f.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for n in range(1, size):
        f.write(b"%010d 00000 n \n" % offsets[n] if n in offsets else b"0000000000 65535 f \n")
    f.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
with open(junk, "wb") as f:
    f.write(b"%PDF-")
    for _ in range(mb):
        f.write(os.urandom(1024 * 1024))
PY

PORT=$(bench_free_port)
BASE="http://127.0.0.1:$PORT"

export ESign__DataPath="$DATA/data"
export ESign__Testing__BenchmarkEndpoint=true
export ESign__MaxUploadMegabytes=$((MB + 50))
export ASPNETCORE_ENVIRONMENT=Production

log "creating the API key (apikey create)"
KEY=$(bench_api_key memory@example.com memory-bench)
AUTH="Authorization: Bearer $KEY"

bench_start_app "$BASE"

kb() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/$APP_PID/status"; }

# Resident set of each child process of the app (the PDF worker), sampled every 20 ms, appended to a file.
WORKER_RSS="$DATA/worker-rss"
: >"$WORKER_RSS"
(
    while kill -0 "$APP_PID" 2>/dev/null; do
        for c in $(cat "/proc/$APP_PID/task/"*/children 2>/dev/null); do
            awk '$1 == "VmRSS:" { print $2 }' "/proc/$c/status" 2>/dev/null >>"$WORKER_RSS" || true
        done
        sleep 0.02
    done
) &
SAMPLER_PID=$!

# upload NAME URL FILE -> "growth_kb before_kb peak_kb status seconds worker_peak_kb"
upload() {
    local url=$1 file=$2 before peak out
    : >"$WORKER_RSS"
    before=$(kb VmRSS)
    echo 5 >"/proc/$APP_PID/clear_refs" # VmHWM := current RSS
    out=$(curl -sS -o "$DATA/answer.json" -w '%{http_code} %{time_total}' -H "$AUTH" \
        -F name=bench.pdf -F "file=@$file;type=application/pdf" -F rename_if_exists=true "$url")
    peak=$(kb VmHWM)
    kill -0 "$APP_PID" 2>/dev/null || { tail -n 50 "$DATA/app.log" >&2; die "the app died during the upload of $file"; }
    echo "$((peak - before)) $before $peak $out $(sort -n "$WORKER_RSS" | tail -n1 | grep . || echo 0)"
}

log "warm-up (one small upload to each endpoint)"
head -c 2000000 "$DATA/valid.pdf" >"$DATA/small.bin"
upload "$BASE/bench/discard-upload" "$DATA/small.bin" >/dev/null
upload "$BASE/v1/files/original/" "$DATA/small.bin" >/dev/null

IDLE_KB=$(kb VmRSS)
declare -A GROWTH ANSWER SECS WORKER
for r in $(seq 1 "$RUNS"); do
    for kind in bare valid junk; do
        case $kind in
            bare) res=$(upload "$BASE/bench/discard-upload" "$DATA/valid.pdf") ;;
            valid) res=$(upload "$BASE/v1/files/original/" "$DATA/valid.pdf") ;;
            junk) res=$(upload "$BASE/v1/files/original/" "$DATA/junk.pdf") ;;
        esac
        read -r growth before peak status secs worker <<<"$res"
        answer=$(jq -rc 'if .error_code then .error_code elif .id then "stored" elif .bytes then "read \(.bytes) bytes" else . end' "$DATA/answer.json" 2>/dev/null || echo "?")
        log "run $r $kind: HTTP $status ($answer) in ${secs}s, web RSS $((before / 1024)) -> peak $((peak / 1024)) MB (+$((growth / 1024)) MB), worker peak $((worker / 1024)) MB"
        # Report the largest growth over the runs (the worst case), with that run's answer.
        if [ -z "${GROWTH[$kind]:-}" ] || [ "$growth" -gt "${GROWTH[$kind]}" ]; then
            GROWTH[$kind]=$growth ANSWER[$kind]="$status $answer" SECS[$kind]=$(printf '%.2f' "$secs")
        fi
        if [ "${worker:-0}" -gt "${WORKER[$kind]:-0}" ]; then WORKER[$kind]=$worker; fi
    done
done
END_KB=$(kb VmRSS)
curl -fs "$BASE/healthz" >/dev/null || die "/healthz failed after the uploads"

mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
verdict() { [ "$1" -lt $((30 * 1024)) ] && echo "met" || echo "missed"; }
VALID_SIZE=$(stat -c %s "$DATA/valid.pdf")
JUNK_SIZE=$(stat -c %s "$DATA/junk.pdf")
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
OS=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME" || uname -sr)
RUNTIME=$(dotnet --list-runtimes | awk '/^Microsoft.AspNetCore.App/ { v = $2 } END { print v }')
worker_mb() { [ "${WORKER[$1]:-0}" -gt 0 ] && echo "$(mb "${WORKER[$1]}") MB" || echo "—"; }

SECTION_FILE="$DATA/section.md"
cat >"$SECTION_FILE" <<EOF
$SECTION

Peak growth of the **web process's** resident memory while it takes one upload over loopback: \`VmHWM\` (reset through
\`/proc/<pid>/clear_refs\` just before the upload) minus \`VmRSS\` just before it. The PDF worker is a separate process;
its largest resident set (sampled every 20 ms) is shown apart. The bare baseline is the same multipart upload to
\`POST /bench/discard-upload\` (mapped only with \`ESign:Testing:BenchmarkEndpoint\`), which reads the form exactly as
\`POST /v1/files/original/\` does and throws the file away: what receiving ${MB} MB costs before anything looks at
the PDF. Worst of $RUNS runs each, after a warm-up upload of 2 MB to each endpoint.

| upload | answer | time | web process peak growth | PDF worker peak RSS |
|---|---|---|---|---|
| bare baseline: $(mb $((VALID_SIZE / 1024))) MiB to \`/bench/discard-upload\` | ${ANSWER[bare]} | ${SECS[bare]} s | **+$(mb "${GROWTH[bare]}") MB** | $(worker_mb bare) |
| valid PDF, $(mb $((VALID_SIZE / 1024))) MiB ($(( (VALID_SIZE) / (1000 * 700 * 3) )) pages of incompressible images) | ${ANSWER[valid]} | ${SECS[valid]} s | **+$(mb "${GROWTH[valid]}") MB** ($(verdict "${GROWTH[valid]}")) | $(worker_mb valid) |
| \`%PDF-\` + ${MB} MiB of random bytes | ${ANSWER[junk]} | ${SECS[junk]} s | **+$(mb "${GROWTH[junk]}") MB** ($(verdict "${GROWTH[junk]}")) | $(worker_mb junk) |

Target: the web process grows by less than 30 MB for a 100 MB upload. Web process resident memory: $(mb "$IDLE_KB") MB
after the warm-up, $(mb "$END_KB") MB after all uploads. Before the PDF worker (issue 9) the same uploads opened the
file with PDFsharp inside the web process: +100 MB for the valid PDF and +481 MB peak for the junk (measured then).

Measured $(date -u +%Y-%m-%d) on $(nproc) cores${CPU:+ ($CPU)}, ASP.NET Core $RUNTIME, $OS; the machine may be busy
with other work. Reproduce: \`bench/memory/run.sh\` (builds, writes the files, rewrites this section; about 2 minutes).
EOF
cat "$SECTION_FILE"

bench_write_section "$SECTION_FILE"
