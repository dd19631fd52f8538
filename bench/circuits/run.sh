#!/usr/bin/env bash
# What one open signing page (a Blazor Server circuit) costs the server (issue 15), in headless Debian Chromium
# against the real app (Release build) on 127.0.0.1 with a fresh data directory. The C# driver is
# `ESignWeb.Bench --circuits` (bench/CircuitMemory.cs), in two request shapes (SHAPES): "typical" = 40 ordinary
# requests (2 signers, 3 pages, 2-3 fields a signer; each request's first signer opens the page) and "40-signers" =
# one request with 40 unordered signers (every page draws all 40 signers' boxes). Each link is opened in its own
# browser context with consent given on that page, and after 0/10/20/40 live
# pages a full compacting GC in the app (`POST /bench/gc`, mapped only with ESign:Testing:BenchmarkEndpoint) and its
# resident set and managed heap; the least-squares slope over 10/20/40 is the cost of one circuit. Writes the
# "Signing circuits" section of docs/benchmarks.md (the rest of the file is kept).
#
#   bench/circuits/run.sh                                   # build, measure this build, write the doc
#   BEFORE_DLL=/path/to/old/App/bin/Release/net10.0/ESignWeb.dll bench/circuits/run.sh   # also an older build
#   SKIP_BUILD=1 WRITE_DOC=0 bench/circuits/run.sh
#   WARMUP=10 bench/circuits/run.sh                        # 10 pages opened and closed first (JIT warm before the slope)
#   SHAPES=typical bench/circuits/run.sh                    # one shape only (default: typical,40-signers)
#   SET="DOTNET_GCgen0size=0x100000" bench/circuits/run.sh  # extra environment for the app (space-separated K=V)
#   GCDUMP_DIR=/tmp/dumps bench/circuits/run.sh             # also a heap dump per step (dotnet-gcdump on PATH or ESIGN_GCDUMP)
#
# Needs dotnet and Chromium (/usr/bin/chromium, or ESIGN_CHROMIUM). About three minutes per build measured.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WRITE_DOC=${WRITE_DOC:-1}
STEPS=${STEPS:-10,20,40}
SHAPES=${SHAPES:-typical,40-signers}
WARMUP=${WARMUP:-0} # pages opened and closed before the first step (first-use JIT and tiering paid before the slope)
DOC="$ROOT/docs/benchmarks.md"
SECTION="## Signing circuits (\`bench/circuits/run.sh\`)"
BENCH_DLL="$ROOT/bench/bin/Release/net10.0/ESignWeb.Bench.dll"

log() { printf '[circuits] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# shellcheck source=../lib.sh
. "$ROOT/bench/lib.sh"
bench_build
if [ "${SKIP_BUILD:-0}" != 1 ]; then dotnet build -c Release "$ROOT/bench/ESignWeb.Bench.csproj" -nologo -v quiet >&2; fi
[ -f "$BENCH_DLL" ] || die "$BENCH_DLL not found (build first)"

DATA=$(mktemp -d /tmp/esign-circuits-XXXXXX)
trap 'rm -rf "$DATA"' EXIT

measure() { # label dll -> ROW/SLOPE/RETAINED/META lines on stdout, one set per shape
    local shape
    for shape in ${SHAPES//,/ }; do
        # shellcheck disable=SC2086
        (cd "$(dirname "$BENCH_DLL")" && dotnet "$BENCH_DLL" --circuits --steps "$STEPS" --label "$1, $shape" --app-dll "$2" \
            --warmup "$WARMUP" --shape "$shape" ${GCDUMP_DIR:+--gcdump "$GCDUMP_DIR"} ${SET:+--set $SET})
    done
}
: >"$DATA/rows"
if [ -n "${BEFORE_DLL:-}" ]; then
    log "measuring the older build $BEFORE_DLL"
    measure "before" "$BEFORE_DLL" >>"$DATA/rows"
fi
log "measuring this build"
measure "this build" "$APP_DLL" >>"$DATA/rows"

CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
OS=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME" || uname -sr)
CHROMIUM=$("${ESIGN_CHROMIUM:-/usr/bin/chromium}" --version 2>/dev/null | head -n1 || echo Chromium)

SECTION_FILE="$DATA/section.md"
{
    echo "$SECTION"
    echo
    echo "What one open signing page costs the server, in two request shapes sent through the API: **typical** = one"
    echo "ordinary request per page (2 unordered signers on a 3-page PDF, 3 and 2 fields; the first signer's page opened),"
    echo "**40-signers** = one request with 40 unordered signers (a signature field each), every page drawing all 40 boxes."
    echo "Each link opened in its own context of one headless $CHROMIUM, consent"
    echo "given on that page and the signing view waited for (PDF loaded, so the circuit is live and has rendered)."
    echo "Warm-up: $WARMUP pages opened and closed before step 0. After"
    echo "0 and $STEPS open pages the app runs a full compacting GC (\`POST /bench/gc\`, only with"
    echo "\`ESign:Testing:BenchmarkEndpoint\`) and reports its resident set (RSS) and managed heap; **per circuit** is the"
    echo "least-squares slope over the open-page steps (the step at 0 pays for first-use JIT and caches, so it is left out)."
    echo
    echo "| build, shape | warm-up | RSS / managed heap, MB, at 0 · $(echo "$STEPS" | sed 's/,/ · /g') pages | RSS per circuit | managed per circuit | load average |"
    echo "|---|---|---|---|---|---|"
    awk -F'|' '/^ROW / { sub(/^ROW /, "", $1); rows[$1] = $2 }
               /^META / { sub(/^META /, "", $1); warm[$1] = $3; load[$1] = $4 }
               /^SLOPE / { sub(/^SLOPE /, "", $1); slope[$1] = $2 "|" $3; order[++n] = $1 }
               END { for (i = 1; i <= n; i++) { l = order[i]; split(slope[l], s, "|"); k = split(rows[l], steps, ";"); r = "";
                     for (j = 1; j <= k; j++) { split(steps[j], v, ":"); r = r (j > 1 ? " · " : "") v[2] " / " v[3] }
                     printf "| %s | %s | %s | **%d KB** | %d KB | %s |\n", l, warm[l], r, s[1], s[2], load[l] } }' "$DATA/rows"
    echo
    echo "Target: under 500 KB a circuit. Measured $(date -u +%Y-%m-%d) on $(nproc) cores${CPU:+ ($CPU)}, $OS; the machine"
    echo "may be busy with other work. Reproduce: \`bench/circuits/run.sh\` (\`BEFORE_DLL=…\` adds an older build,"
    echo "\`GCDUMP_DIR=…\` a \`dotnet-gcdump\` per step)."
} >"$SECTION_FILE"
cat "$SECTION_FILE"
bench_write_section "$SECTION_FILE"
