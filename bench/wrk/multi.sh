#!/usr/bin/env bash
# Issue 15: wrk against GET /v1/files/pending/ THROUGH NGINX (Debian's nginx running the shipped deploy/nginx.conf),
# with writers running at the same time, for three set-ups:
#   sqlite-single  one instance on SQLite (fresh data folder)
#   pg-single      one instance on PostgreSQL
#   pg-two         two instances on one PostgreSQL database and one shared data folder (keys, blobs), nginx in front
# In each set-up the same nginx also forwards the bare baseline GET /bench/fixed-json?bytes=N (same app, no
# authentication, database or serialization; N = the list's byte count), measured with the same writers running, so
# every figure is also given as a RATIO to its own baseline. Once per run nginx serves a static file of the same size
# (no app at all): the proxy's own ceiling on this machine.
# Writes the section "Through nginx: …" of docs/benchmarks.md (the rest of the file is kept).
#
#   bench/wrk/multi.sh                                   # build (Release), all three set-ups, write the doc (~5 min)
#   SKIP_BUILD=1 CONFIGS="pg-two" WRITE_DOC=0 bench/wrk/multi.sh
#   knobs: CONFIGS, THREADS (2), CONNECTIONS (32), DURATION (20s), WARMUP (5s), TIMEOUT (10s), REQUESTS (200), WRITE_RATE (5 a second
#          per writer), SKIP_BUILD, WRITE_DOC
#
# PostgreSQL: a throw-away cluster from Debian's packages (initdb as the postgres user in its own folder under /tmp,
# its own free port on 127.0.0.1, no socket outside that folder, fsync off like the tests' server), one fresh database
# per set-up, stopped and removed on exit. Everything listens on 127.0.0.1 only, every run is bounded in time, and
# everything started here (apps, nginx, writers, PostgreSQL, temp folders) is stopped and removed on exit (trap).
# Needs dotnet, curl, jq, wrk, nginx, postgresql (apt-get install wrk nginx postgresql).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CONFIGS=${CONFIGS:-"sqlite-single pg-single pg-two"}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-5s}
TIMEOUT=${TIMEOUT:-10s}
REQUESTS=${REQUESTS:-200}
WRITE_RATE=${WRITE_RATE:-5}
WRITE_DOC=${WRITE_DOC:-1}
DOC="$ROOT/docs/benchmarks.md"
SECTION="## Through nginx: SQLite, PostgreSQL, two instances, with writers (\`bench/wrk/multi.sh\`, wrk)"

log() { printf '[wrk-multi] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

for tool in dotnet curl jq wrk; do command -v "$tool" >/dev/null || die "$tool is required (apt-get install $tool)"; done
NGINX=/usr/sbin/nginx
[ -x "$NGINX" ] || die "nginx is required at $NGINX (apt-get install nginx)"
for c in $CONFIGS; do case $c in sqlite-single | pg-single | pg-two) ;; *) die "unknown set-up $c" ;; esac; done

# shellcheck source=../lib.sh
. "$ROOT/bench/lib.sh"
bench_build

DATA=$(mktemp -d /tmp/esign-wrkmulti-XXXXXX)
chmod 755 "$DATA" # nginx's workers (nobody) read the static file below it
PIDS=()           # apps, nginx, writers: every process this script started, stopped on exit
PG_BIN="" PG_DIR="" PG_PORT=""
AS_PG=()
[ "$(id -u)" = 0 ] && AS_PG=(runuser -u postgres --)

stop_pids() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    PIDS=()
}
cleanup() {
    trap '' INT TERM # a second signal (timeout, Ctrl-C) must not cut the clean-up short
    stop_pids
    if [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
        "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    [ -n "$PG_DIR" ] && rm -rf "$PG_DIR"
    rm -rf "$DATA"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

LC_ALL=C bench_make_pdf >"$DATA/bench.pdf"

# --- PostgreSQL: started on first use, one database per set-up --------------------------------------------------
pg_start() {
    [ -n "$PG_PORT" ] && return 0
    PG_BIN=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n1)
    [ -x "$PG_BIN/initdb" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)"
    PG_DIR=$(mktemp -d /tmp/esign-wrkpg-XXXXXX)
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DIR"
    PG_PORT=$(bench_free_port)
    log "starting a throw-away PostgreSQL on 127.0.0.1:$PG_PORT ($PG_DIR)"
    "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
    "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB" \
        start >/dev/null
}
pg_create_db() {
    "${AS_PG[@]}" "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc "CREATE DATABASE $1" >/dev/null
    printf 'Host=127.0.0.1;Port=%s;Username=postgres;Database=%s;Pooling=true;Maximum Pool Size=40;Timeout=30' "$PG_PORT" "$1"
}

# --- the app and nginx ----------------------------------------------------------------------------------------------
# Starts one instance on 127.0.0.1:<port> (environment already exported), logs to <log>, waits for /healthz.
start_instance() {
    local port=$1 logfile=$2 pid
    dotnet "$APP_DLL" --urls "http://127.0.0.1:$port" >"$logfile" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    for _ in $(seq 1 240); do
        curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
        kill -0 "$pid" 2>/dev/null || { tail -n 40 "$logfile" >&2; die "the app on port $port exited"; }
        sleep 0.5
    done
    tail -n 40 "$logfile" >&2
    die "the app on port $port did not start"
}

# deploy/nginx.conf with only the host-specific lines replaced (as App.Tests/E2E/NginxProxy does): upstream servers,
# listen address, pid/log/temp paths; the access log is one short buffered line per request (upstream, status), to
# count what each instance served. Plus one location for the static baseline file. Starts it in the foreground of a background job; waits until it answers.
start_nginx() {
    local dir=$1 port=$2 static=$3; shift 3
    local servers="" u
    for u in "$@"; do servers+="server $u max_fails=1 fail_timeout=10s;"$'\n'"        "; done
    mkdir -p "$dir"
    chmod 755 "$dir"
    for t in client-body proxy fastcgi uwsgi scgi; do mkdir -p "$dir/$t"; chmod 777 "$dir/$t"; done
    SERVERS="$servers" DIR="$dir" PORT="$port" STATIC="$static" python3 - "$ROOT/deploy/nginx.conf" >"$dir/nginx.conf" <<'PY'
import os, sys
conf = open(sys.argv[1]).read()
d, port = os.environ["DIR"], os.environ["PORT"]
def rep(a, b):
    global conf
    if a not in conf:
        sys.exit(f'deploy/nginx.conf no longer contains "{a}" (update bench/wrk/multi.sh)')
    conf = conf.replace(a, b)
rep("pid /run/nginx.pid;", f"pid {d}/nginx.pid;")
rep("error_log /dev/stderr warn;", f"error_log {d}/error.log warn;")
rep("access_log /dev/stdout;",
    "log_format bench '$upstream_addr $status';\n    access_log " + d + "/access.log bench buffer=256k flush=5s;")
for t in ["client-body", "proxy", "fastcgi", "uwsgi", "scgi"]:
    rep(f"/tmp/nginx-{t};", f"{d}/{t};")
rep("server app1:8080 max_fails=1 fail_timeout=10s;\n        server app2:8080 max_fails=1 fail_timeout=10s;", os.environ["SERVERS"].rstrip())
rep("listen 80;", f"listen 127.0.0.1:{port};")
rep("        location /_blazor {",
    f"        location = /bench-static.json {{\n            alias {os.environ['STATIC']};\n            default_type application/json;\n        }}\n\n        location /_blazor {{")
print(conf)
PY
    "$NGINX" -t -q -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" || die "nginx -t refused $dir/nginx.conf"
    "$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g "daemon off;" &
    PIDS+=("$!")
    for _ in $(seq 1 60); do
        curl -s -o /dev/null "http://127.0.0.1:$port/bench-static.json" && return 0 # any HTTP answer
        sleep 0.5
    done
    cat "$dir/error.log" >&2
    die "nginx did not answer on $port"
}

# --- requests -------------------------------------------------------------------------------------------------------
upload() { # <base> <auth> → id
    curl -fsS -H "$2" -F name=bench.pdf -F "file=@$DATA/bench.pdf;type=application/pdf" -F rename_if_exists=true \
        "$1/v1/files/original/" | jq -er .id
}
request_body() { # <doc id> <n>
    jq -nc --argjson doc "$1" --arg i "$2" '{
        original_file_id: $doc, name: ("Benchmark request " + $i), is_ordered: true, message: "Please sign.",
        recipients: [{email: ("signer" + $i + "@example.com"), first_name: "Signer", last_name: ("Number " + $i)}],
        fields_payload: [{email: ("signer" + $i + "@example.com"), type: "signature", required: true, page_number: -1,
                          x: 72, y: 100, width: 160, height: 48, additional_info: {}}]}'
}
send() { # <base> <auth> <doc id> <n> → request id
    curl -fsS -H "$2" -H "Content-Type: application/json" -d "$(request_body "$3" "$4")" "$1/v1/files/pending/fields/" | jq -er .pending_file_id
}
# One write of a writer: runs curl (its arguments), prints the answer's body on stdout when it is a 2xx; otherwise
# appends "fail <what> <status> <body>" to <out> (what the writers' failures were: the doc's "failed" column) and fails.
write_op() { # <out> <what> <curl args…>
    local out=$1 what=$2 body status; shift 2
    body=$(mktemp "$DATA/write-XXXXXX")
    status=$(curl -sS -o "$body" -w '%{http_code}' "$@" 2>>"$body") || status="curl-error"
    if [[ $status == 2* ]]; then cat "$body"; rm -f "$body"; return 0; fi
    printf 'fail %s %s %s\n' "$what" "$status" "$(head -c 600 "$body" | tr '\n' ' ')" >>"$out"
    rm -f "$body"
    return 1
}

# The writers, through nginx, each at most WRITE_RATE operations a second until killed; one line per operation in
# <out> ("ok", or "fail <what> <status> <body>", printed after the set-up's figures):
# - another sender creates a request and voids the one before (two transactions with audit events and outbox
#   messages: sending mail and webhooks is work for the outbox too);
# - the measured sender uploads a document (a write to its own rows that leaves its pending list as it is).
writer_requests() {
    local base=$1 auth=$2 doc=$3 out=$4 n=0 prev="" id
    while :; do
        n=$((n + 1))
        if id=$(write_op "$out" "send" -H "$auth" -H "Content-Type: application/json" -d "$(request_body "$doc" "w$n")" \
            "$base/v1/files/pending/fields/" | jq -er .pending_file_id); then echo ok >>"$out"; else id=""; fi
        if [ -n "$prev" ]; then
            if write_op "$out" "void $prev" -H "$auth" -H "Content-Type: application/json" -d '{"message":"bench"}' \
                "$base/v1/files/pending/$prev/cancel" >/dev/null; then echo ok >>"$out"; fi
        fi
        prev=$id
        sleep "$(awk -v r="$WRITE_RATE" 'BEGIN { printf "%.3f", 2 / r }')"
    done
}
writer_uploads() {
    local base=$1 auth=$2 out=$3
    while :; do
        if write_op "$out" "upload" -H "$auth" -F name=bench.pdf -F "file=@$DATA/bench.pdf;type=application/pdf" \
            -F rename_if_exists=true "$base/v1/files/original/" >/dev/null; then echo ok >>"$out"; fi
        sleep "$(awk -v r="$WRITE_RATE" 'BEGIN { printf "%.3f", 1 / r }')"
    done
}

# --- wrk ------------------------------------------------------------------------------------------------------------
# --timeout: a slow answer counts in the latency, not as a socket error (wrk's default 2 s is short on a busy machine).
WRK_ARGS=(-t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout "$TIMEOUT" --latency)
# Prints "req/s p50-ms p99-ms errors" (errors: socket errors + non-2xx answers).
measure() {
    local out
    out=$(wrk "${WRK_ARGS[@]}" "$@")
    printf '%s\n' "$out" >>"$DATA/wrk.log"
    awk '
        function ms(s,  v, u) { v = s; u = s; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
                                return (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : (u == "m") ? v * 60000 : v }
        / 50%/ { p50 = ms($2) } / 99%/ { p99 = ms($2) }
        /^Requests\/sec:/ { rps = $2 }
        /Socket errors:/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) { v = $i; sub(/,/, "", v); err += v } }
        /Non-2xx or 3xx responses:/ { err += $NF }
        END { if (rps == "" || p99 == "") exit 1; printf "%.0f %.2f %.2f %d\n", rps, p50, p99, err }' <<<"$out"
}
load1() { cut -d' ' -f1 /proc/loadavg; }

ROWS=()
STATIC_ROW=""
NOTES=()
LOADS=()

run_config() {
    local config=$1 dir="$DATA/$1" db="" conn=""
    mkdir -p "$dir/shared"
    log "== $config"
    export ESign__DataPath="$dir/shared"
    export ESign__Testing__BenchmarkEndpoint=true
    export Api__RateLimitPerMinute=1000000000 # the per-key limit (100 a minute) would answer 429 to nearly all the load
    # The upload writer is write load, not a test of the PDF check's time limit: at a load average of 85-92 on 2 cores the
    # check of the one-page bench.pdf (a .NET worker process start) took longer than the default 20 s and was refused
    # (400 file_conversion_failure "reading it took longer than 20 s") — the writers' 400s of earlier runs.
    export ESign__PdfInspection__TimeoutSeconds=120
    export ASPNETCORE_ENVIRONMENT=Production
    case $config in
        sqlite-single) unset ESign__Database__Provider ConnectionStrings__ESign ;;
        pg-*)
            pg_start
            db="esign_${config//-/_}"
            conn=$(pg_create_db "$db")
            export ESign__Database__Provider=PostgreSql ConnectionStrings__ESign="$conn"
            ;;
    esac
    local nginx_port p1 p2=""
    nginx_port=$(bench_free_port)
    export ESign__PublicBaseUrl="http://127.0.0.1:$nginx_port"
    export ESign__ForwardedHeaders__KnownProxies__0=127.0.0.1

    log "creating the API keys (apikey create)"
    local key wkey
    key=$(bench_api_key bench@example.com wrk)
    wkey=$(bench_api_key writer@example.com wrk-writer)

    p1=$(bench_free_port)
    start_instance "$p1" "$dir/app1.log"
    local upstreams=("127.0.0.1:$p1")
    if [ "$config" = pg-two ]; then
        p2=$(bench_free_port)
        start_instance "$p2" "$dir/app2.log" # the same database and the same data folder as the first
        upstreams+=("127.0.0.1:$p2")
    fi

    local base="http://127.0.0.1:$nginx_port" auth="Authorization: Bearer $key" wauth="Authorization: Bearer $wkey"
    log "seeding $REQUESTS requests through nginx"
    # The static file does not exist yet; nginx only needs its path.
    start_nginx "$dir/nginx" "$nginx_port" "$DATA/static.json" "${upstreams[@]}"
    local doc wdoc
    doc=$(upload "$base" "$auth")
    wdoc=$(upload "$base" "$wauth")
    export -f send request_body
    seq 1 "$REQUESTS" | xargs -P 4 -I{} bash -c 'send "$0" "$1" "$2" "$3" >/dev/null' "$base" "$auth" "$doc" {}

    local url="$base/v1/files/pending/" count bytes bare
    count=$(curl -fsS -H "$auth" "$url" | jq -er .count)
    [ "$count" = "$REQUESTS" ] || die "the pending list has $count requests, expected $REQUESTS"
    bytes=$(curl -fsS -o /dev/null -w '%{size_download}' -H "$auth" "$url")
    bare="$base/bench/fixed-json?bytes=$bytes"
    [ "$(curl -fsS -o /dev/null -w '%{size_download}' "$bare")" = "$bytes" ] || die "the bare endpoint did not answer $bytes bytes"
    if [ -z "$STATIC_ROW" ]; then
        head -c "$bytes" /dev/zero | tr '\0' ' ' >"$DATA/static.json"
        chmod 644 "$DATA/static.json"
    fi
    log "pending list: $count requests, $bytes bytes"

    # Two writers per set-up, started after the seed and stopped after the measurements.
    : >"$dir/writes"
    local writers_start=$SECONDS wpids=()
    writer_requests "$base" "$wauth" "$wdoc" "$dir/writes" &
    wpids+=("$!"); PIDS+=("$!")
    writer_uploads "$base" "$auth" "$dir/writes" &
    wpids+=("$!"); PIDS+=("$!")

    log "warm-up ($WARMUP each)"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" --timeout "$TIMEOUT" -H "$auth" "$url" >/dev/null
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" --timeout "$TIMEOUT" "$bare" >/dev/null

    local l0 l1 pr pp50 pp99 perr br bp50 bp99 berr
    l0=$(load1)
    read -r pr pp50 pp99 perr <<<"$(measure -H "$auth" "$url")"
    read -r br bp50 bp99 berr <<<"$(measure "$bare")"
    l1=$(load1)
    LOADS+=("$l0" "$l1")
    log "$config: pending $pr req/s p50 $pp50 p99 $pp99 ms ($perr errors) | bare $br req/s p99 $bp99 ms ($berr errors) | load $l0 → $l1"

    if [ -z "$STATIC_ROW" ]; then
        local sr sp50 sp99 serr
        read -r sr sp50 sp99 serr <<<"$(measure "$base/bench-static.json")"
        STATIC_ROW="| nginx alone: a static file of $bytes bytes (no app) | $sr | $sp50 ms | $sp99 ms | — | $serr |"
        log "static: $sr req/s p99 $sp99 ms"
    fi

    local p
    for p in "${wpids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    local secs=$((SECONDS - writers_start)) ok fail
    ok=$(grep -c '^ok' "$dir/writes" || true)
    fail=$(grep -c '^fail' "$dir/writes" || true)
    grep '^fail' "$dir/writes" | while IFS= read -r line; do log "$config: writer: $line"; done || true
    local wrate
    wrate=$(awk -v n="$ok" -v s="$secs" 'BEGIN { printf "%.1f", n / (s > 0 ? s : 1) }')
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b > 0 ? 100 * a / b : 0) }'; }
    local label
    case $config in
        sqlite-single) label="SQLite, 1 instance" ;;
        pg-single) label="PostgreSQL, 1 instance" ;;
        pg-two) label="PostgreSQL, 2 instances" ;;
    esac
    ROWS+=("| $label | \`GET /v1/files/pending/\` | **$pr** | $pp50 ms | **$pp99 ms** | **$(ratio "$pr" "$br") %** | $perr | $wrate/s ($fail failed) | $l0 → $l1 |")
    ROWS+=("| $label | bare fixed JSON (baseline) | $br | $bp50 ms | $bp99 ms | 100 % | $berr | | |")
    stop_pids # nginx writes out its access log as it stops
    # What each instance served (wrk sends no cookie, so every request hashes anew), and the answers' status codes.
    local served
    served=$(awk -v one="127.0.0.1:$p1" -v two="127.0.0.1:${p2:-none}" '
        $1 == one { a++ } $1 == two { b++ } $1 == "-" { n++ } { s[$2]++ }
        END { printf "instance 1: %d, instance 2: %d, nginx itself: %d; status:", a, b, n; for (k in s) printf " %s×%d", k, s[k] }' \
        "$dir/nginx/access.log")
    NOTES+=("$label: $served")
    log "$config: $served"
    unset ESign__Database__Provider ConnectionStrings__ESign
}

for c in $CONFIGS; do run_config "$c"; done

CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
OS=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME" || uname -sr)
RUNTIME=$(dotnet --list-runtimes | awk '/^Microsoft.AspNetCore.App/ { v = $2 } END { print v }')
WRK_VERSION=$(wrk -v 2>&1 | awk 'NR == 1 { print $2 }' || true)
NGINX_VERSION=$("$NGINX" -v 2>&1 | sed 's/.*nginx\///')
PG_VERSION=""
[ -n "$PG_BIN" ] && PG_VERSION=$("$PG_BIN/postgres" --version | awk '{ print $3 }')
LOAD_RANGE=$(printf '%s\n' "${LOADS[@]}" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "–" hi }')

SECTION_FILE="$DATA/section.md"
{
    cat <<EOF
$SECTION

Issue 15: \`GET /v1/files/pending/\` (Bearer API key, $REQUESTS requests of one signer each, created through the API)
through Debian's nginx $NGINX_VERSION running the shipped \`deploy/nginx.conf\` (only addresses and paths replaced,
access log one buffered line a request), **with writers running** through the same nginx: another sender creates a request and voids the one
before, and the measured sender uploads a document, each at most $WRITE_RATE operations a second (the "writes" column
is what they achieved). Nothing is cached: every list checks the key and reads the database. The baseline of each
row pair is the bare \`GET /bench/fixed-json\` of the same byte count through the same nginx and instance(s), with the
same writers (no authentication, database or serialization); the ratio is list ÷ baseline. The writers log each failed write with its status and body: the writers' 400s (three in the first runs, at load average 116–149) were uploads whose PDF check the server refused after its 20 s limit (\`file_conversion_failure\`, "reading it took longer than 20 s": the worker process starved of CPU — seen at load 85–100 for a writer's upload and for the seed's — not a client mistake or a concurrency fault), so the script gives the check 120 s (\`ESign:PdfInspection:TimeoutSeconds\`). PostgreSQL $PG_VERSION is a
throw-away cluster on loopback (fsync off, as the tests' server); two instances share its database and one data folder
(keys, blobs), and nginx spreads wrk's cookie-less requests over both (consistent hash of a fresh \`esign_route\` each).

| set-up | endpoint | req/s | p50 | p99 | ratio | errors | writes | load average |
|---|---|---|---|---|---|---|---|---|
EOF
    printf '%s\n' "${ROWS[@]}"
    [ -n "$STATIC_ROW" ] && printf '%s\n' "$STATIC_ROW"
    printf '\nRequests nginx logged per set-up (warm-ups, measurements, writers and seed):\n\n'
    printf -- '- %s\n' "${NOTES[@]}"
    cat <<EOF

Measured $(date -u +%Y-%m-%d) on $(nproc) cores${CPU:+ ($CPU)}, ASP.NET Core $RUNTIME, $OS, wrk $WRK_VERSION:
\`wrk -t$THREADS -c$CONNECTIONS -d$DURATION --timeout $TIMEOUT --latency\` after a $WARMUP warm-up of each endpoint; one run of each. wrk,
nginx, the app(s), PostgreSQL and the writers all share the machine. **Load average $LOAD_RANGE** during the runs
(column "load average": before → after each pair): other engineers' builds and tests ran on the same cores, so
absolute figures are low and noisy; the ratios to the baseline measured in the same minute are the figures to compare.
p99 is wrk's closed-loop percentile (no correction for coordinated omission). Reproduce: \`bench/wrk/multi.sh\`
(docs/operations.md, "Load through nginx"; rewrites this section).
EOF
} >"$SECTION_FILE"
cat "$SECTION_FILE"
bench_write_section "$SECTION_FILE"
