# Shared steps of the bench/*/run.sh scripts; source it after setting ROOT, DATA (a temp folder), DOC, SECTION and
# defining log() and die(). Each script keeps its own measurements; these are the parts they all do the same way.

APP_DLL="$ROOT/App/bin/Release/net10.0/ESignWeb.dll"

# Builds the app (Release) unless SKIP_BUILD=1, and checks the binary is there.
bench_build() {
    if [ "${SKIP_BUILD:-0}" != 1 ]; then
        log "building (Release)"
        dotnet build -c Release "$ROOT/App/App.csproj" -nologo -v quiet >&2
    fi
    [ -f "$APP_DLL" ] || die "$APP_DLL not found (build first)"
}

# Prints a free loopback port (nothing answers on it).
bench_free_port() {
    local p
    for _ in $(seq 1 50); do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then printf '%s' "$p"; return 0; fi
    done
    die "no free port found"
}

# Prints a new API key for <e-mail> made by the app's own `apikey create` command (uses ESign__DataPath).
bench_api_key() {
    local key
    key=$(dotnet "$APP_DLL" apikey create --email "$1" --name "$2" | grep -E '^esk_' | tail -n1 || true)
    [ -n "$key" ] || die "apikey create printed no key"
    printf '%s' "$key"
}

# Starts the app on <base url> in the background (APP_PID), logs to $DATA/app.log, waits for /healthz.
bench_start_app() {
    log "starting the app on $1"
    dotnet "$APP_DLL" --urls "$1" >"$DATA/app.log" 2>&1 &
    APP_PID=$!
    for _ in $(seq 1 120); do
        curl -fs "$1/healthz" >/dev/null 2>&1 && return 0
        kill -0 "$APP_PID" 2>/dev/null || { cat "$DATA/app.log" >&2; die "the app exited"; }
        sleep 0.5
    done
    curl -fs "$1/healthz" >/dev/null || { cat "$DATA/app.log" >&2; die "the app did not start"; }
}

# Prints a one-page Letter PDF, written from scratch (offsets counted, so the cross-reference table is exact).
bench_make_pdf() {
    local objs=("<< /Type /Catalog /Pages 2 0 R >>" "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    local text="BT /F1 24 Tf 72 696 Td (Benchmark) Tj ET"
    objs+=("<< /Length ${#text} >>
stream
$text
endstream")
    local out="%PDF-1.7"$'\n' offsets=() i
    for i in "${!objs[@]}"; do
        offsets+=("${#out}")
        out+="$((i + 1)) 0 obj"$'\n'"${objs[$i]}"$'\n'"endobj"$'\n'
    done
    local xref=${#out}
    out+="xref"$'\n'"0 $((${#objs[@]} + 1))"$'\n'"0000000000 65535 f "$'\n'
    for i in "${offsets[@]}"; do out+=$(printf '%010d 00000 n ' "$i")$'\n'; done
    out+="trailer"$'\n'"<< /Size $((${#objs[@]} + 1)) /Root 1 0 R >>"$'\n'"startxref"$'\n'"$xref"$'\n'"%%EOF"$'\n'
    printf '%s' "$out"
}
# Replaces the $SECTION section of $DOC (up to the next "## " heading) with <section file>, or appends it; everything
# else in the file is kept. Only with WRITE_DOC=1.
bench_write_section() {
    [ "${WRITE_DOC:-1}" = 1 ] || return 0
    awk -v section="$SECTION" -v file="$1" '
        function emit(  line) { while ((getline line < file) > 0) print line; close(file); done = 1 }
        $0 == section { if (NR > 1 && prev != "") print ""; emit(); skip = 1; next }
        skip && /^## / { skip = 0; print "" }
        !skip { print; prev = $0 }
        END { if (!done) { if (prev != "") print ""; emit() } }' "$DOC" >"$DATA/benchmarks.md"
    cp "$DATA/benchmarks.md" "$DOC"
    log "wrote $DOC"
}
