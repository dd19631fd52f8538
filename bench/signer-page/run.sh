#!/usr/bin/env bash
# Time to the first page of a 300-page document on the signer's page (issue 10 §6), in headless Debian Chromium
# against the real app (Release build) on 127.0.0.1 with a fresh data directory. The C# driver is
# `ESignWeb.Bench --signer-page` (bench/SignerPage.cs): it sends a request on a generated 300-page, 6 MB PDF through the
# API, gives consent once, then opens the signer's link RUNS times in a new browser context (nothing cached) and again
# in the same context (cached), against a bare static HTML page in the same browser. Writes the "Signer's page"
# section of docs/benchmarks.md (the rest of the file is kept).
#
#   bench/signer-page/run.sh                                  # build, measure this build, write the doc
#   BEFORE_DLL=/path/to/old/App/bin/Release/net10.0/ESignWeb.dll bench/signer-page/run.sh   # also an older build
#   SKIP_BUILD=1 RUNS=3 WRITE_DOC=0 bench/signer-page/run.sh
#
# Needs dotnet and Chromium (/usr/bin/chromium, or ESIGN_CHROMIUM). About a minute per build measured.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUNS=${RUNS:-10}
WRITE_DOC=${WRITE_DOC:-1}
DOC="$ROOT/docs/benchmarks.md"
SECTION="## Signer's page (\`bench/signer-page/run.sh\`)"
BENCH_DLL="$ROOT/bench/bin/Release/net10.0/ESignWeb.Bench.dll"

log() { printf '[signer-page] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# shellcheck source=../lib.sh
. "$ROOT/bench/lib.sh"
bench_build
if [ "${SKIP_BUILD:-0}" != 1 ]; then dotnet build -c Release "$ROOT/bench/ESignWeb.Bench.csproj" -nologo -v quiet >&2; fi
[ -f "$BENCH_DLL" ] || die "$BENCH_DLL not found (build first)"

DATA=$(mktemp -d /tmp/esign-signer-page-XXXXXX)
trap 'rm -rf "$DATA"' EXIT

measure() { # label dll -> rows on stdout
    (cd "$(dirname "$BENCH_DLL")" && dotnet "$BENCH_DLL" --signer-page --runs "$RUNS" --label "$1" --app-dll "$2")
}
: >"$DATA/rows"
if [ -n "${BEFORE_DLL:-}" ]; then
    log "measuring the older build $BEFORE_DLL"
    measure "before" "$BEFORE_DLL" >>"$DATA/rows"
fi
log "measuring this build"
measure "this build" "$APP_DLL" >>"$DATA/rows"

BARE=$(awk '/^BARE / { v = $2 } END { print v }' "$DATA/rows")
PDF_MB=$(awk '/^PDF / { v = $2 } END { print v }' "$DATA/rows")
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
OS=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME" || uname -sr)
CHROMIUM=$("${ESIGN_CHROMIUM:-/usr/bin/chromium}" --version 2>/dev/null | head -n1 || echo Chromium)

SECTION_FILE="$DATA/section.md"
{
    echo "$SECTION"
    echo
    echo "Time from navigation start to page 1's canvas painted on the signer's page of a **300-page, ${PDF_MB} MB** PDF"
    echo "(\`LargePdf\`: text and a small image on every page, not linearised), in headless $CHROMIUM on loopback, median of"
    echo "$RUNS loads (after one warm-up): *new visitor* is a fresh browser context (nothing cached), *cached* the same link"
    echo "opened again in that context. The bare baseline is a static HTML page's first contentful paint in the same"
    echo "browser: **${BARE} ms**. JS + CSS and PDF are bytes on the wire (bodies as sent, plus headers). A whole-file PDF"
    echo "request that PDF.js abandons after its headers (it then reads by range) counts as a request with no bytes."
    echo
    echo "| build | first page painted | vs bare page | JS + CSS | PDF | page canvases drawn |"
    echo "|---|---|---|---|---|---|"
    grep '^|' "$DATA/rows"
    echo
    echo "Target: under 1 s for a new visitor. Measured $(date -u +%Y-%m-%d) on $(nproc) cores${CPU:+ ($CPU)}, $OS; the machine"
    echo "may be busy with other work. Reproduce: \`bench/signer-page/run.sh\` (\`BEFORE_DLL=…\` adds an older build)."
} >"$SECTION_FILE"
cat "$SECTION_FILE"
bench_write_section "$SECTION_FILE"
