#!/usr/bin/env bash
# Checks an ESignWeb sealed PDF and its audit trail PDF offline, with standard tools only (poppler-utils: pdfsig,
# pdftotext, pdfdetach; coreutils: sha256sum; openssl; python3 for JSON). See docs/evidence.md.
#
#   tools/verify-evidence.sh SEALED.pdf TRAIL.pdf
#
# Prints one line per check, "OK <check>" or "FAIL <check>: why", then "RESULT: unchanged" (exit 0) or
# "RESULT: modified" (exit 1). Exit 2: wrong usage or a missing tool.
set -u

if [ $# -ne 2 ]; then
  echo "usage: $0 SEALED.pdf TRAIL.pdf" >&2
  exit 2
fi
for tool in pdfsig pdftotext pdfdetach sha256sum openssl python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$0: $tool is missing (apt-get install poppler-utils openssl python3)" >&2; exit 2; }
done
SEALED=$1
TRAIL=$2
for f in "$SEALED" "$TRAIL"; do
  [ -r "$f" ] || { echo "$0: cannot read $f" >&2; exit 2; }
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp -- "$SEALED" "$WORK/sealed.pdf"
cp -- "$TRAIL" "$WORK/trail.pdf"

FAILED=0
ok() { echo "OK $1"; }
fail() { echo "FAIL $1: $2"; FAILED=1; }

# --- 1. Each file's signature: valid, and the last one covers the whole file (nothing appended after signing). ---
check_signature() { # name file
  local name=$1 file=$2 out
  out=$(pdfsig -nocert "$file" 2>&1)
  local count valid
  count=$(grep -c '^Signature #' <<<"$out")
  valid=$(grep -c 'Signature Validation: Signature is Valid' <<<"$out")
  if [ "$count" -eq 0 ]; then
    fail "$name signature" "the file carries no digital signature"
  elif [ "$valid" -ne "$count" ]; then
    fail "$name signature" "pdfsig: $(grep 'Signature Validation' <<<"$out" | grep -v 'is Valid' | head -1 | sed 's/^ *- //')"
  elif ! awk '/^Signature #/{last=""} /Total document signed/{last="total"} /Not total document signed/{last="partial"} END{exit last=="total"?0:1}' <<<"$out"; then
    fail "$name signature" "the signature does not cover the whole file (bytes were added after signing)"
  else
    ok "$name signature (valid, total document signed)"
  fi
}
check_signature "sealed" "$WORK/sealed.pdf"
check_signature "trail" "$WORK/trail.pdf"

# --- 2. The same signer certificate on both (the leaf certificate of each signature's CMS). ---
signer_fingerprint() { # file -> SHA-256 fingerprint of the signer (leaf) certificate of its first signature
  local dir="$WORK/dump-$1"
  mkdir -p "$dir" && (cd "$dir" && pdfsig -nocert -dump "../$1.pdf" >/dev/null 2>&1)
  local sig
  sig=$(ls "$dir"/*.sig0 2>/dev/null | head -1)
  [ -n "$sig" ] || return 1
  openssl pkcs7 -inform DER -in "$sig" -print_certs -out "$dir/certs.pem" 2>/dev/null || return 1
  awk -v d="$dir" '/BEGIN CERT/{n++} n{print > (d "/cert" n ".pem")}' "$dir/certs.pem"
  local c subj issuers leaf=""
  issuers=$(for c in "$dir"/cert*.pem; do
    [ "$(openssl x509 -in "$c" -noout -subject -nameopt RFC2253)" = "$(openssl x509 -in "$c" -noout -issuer -nameopt RFC2253 | sed 's/^issuer=/subject=/')" ] \
      || openssl x509 -in "$c" -noout -issuer -nameopt RFC2253 | sed 's/^issuer=/subject=/'
  done)
  for c in "$dir"/cert*.pem; do
    subj=$(openssl x509 -in "$c" -noout -subject -nameopt RFC2253)
    grep -qxF "$subj" <<<"$issuers" || { leaf=$c; break; }
  done
  [ -n "$leaf" ] || return 1
  echo "$(openssl x509 -in "$leaf" -noout -fingerprint -sha256 | sed 's/^.*=//') $(openssl x509 -in "$leaf" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')"
}
SEALED_SIGNER=$(signer_fingerprint sealed) || SEALED_SIGNER=""
TRAIL_SIGNER=$(signer_fingerprint trail) || TRAIL_SIGNER=""
if [ -z "$SEALED_SIGNER" ] || [ -z "$TRAIL_SIGNER" ]; then
  fail "same signer" "the signer certificate could not be read from both signatures"
elif [ "${SEALED_SIGNER%% *}" != "${TRAIL_SIGNER%% *}" ]; then
  fail "same signer" "sealed PDF signed by ${SEALED_SIGNER#* } (${SEALED_SIGNER%% *}), audit trail by ${TRAIL_SIGNER#* } (${TRAIL_SIGNER%% *})"
else
  ok "same signer (${SEALED_SIGNER#* }, SHA-256 fingerprint ${SEALED_SIGNER%% *})"
fi

# --- 3. What each PDF prints (pdftotext -layout keeps a label and its value on one line). ---
pdftotext -layout "$WORK/sealed.pdf" "$WORK/sealed-all.txt" 2>/dev/null || : >"$WORK/sealed-all.txt"
# Only the certificate page(s) at the end are ours: the signed document's own pages may say anything.
awk '/^[\f ]*Signature certificate *$/{buf=""; found=1} found{buf=buf $0 "\n"} END{printf "%s", buf}' "$WORK/sealed-all.txt" >"$WORK/sealed.txt"
pdftotext -layout "$WORK/trail.pdf" "$WORK/trail.txt" 2>/dev/null || : >"$WORK/trail.txt"
printed() { # label file -> the 64-hex value on the first line that starts with the label (joined if wrapped)
  awk -v label="$1" '$0 ~ ("^[\f ]*" label " +[0-9a-f]+ *$") { v = $NF; if ((getline n) > 0 && n ~ /^ +[0-9a-f]+ *$/) { gsub(/ /, "", n); v = v n }; print v; exit }' "$2" \
    | grep -E '^[0-9a-f]{64}$'
}
printed_word() { # label file -> the first word after the label, on the first line that starts with it
  grep -oE "^[[:space:]]*$1 +[^ ]+" "$2" | head -1 | awk '{print $NF}'
}

ACTUAL_SEALED=$(sha256sum "$WORK/sealed.pdf" | cut -d' ' -f1)
TRAIL_SEALED=$(printed "Sealed SHA-256" "$WORK/trail.txt")
if [ -z "$TRAIL_SEALED" ]; then
  fail "sealed SHA-256" "the audit trail prints no \"Sealed SHA-256\""
elif [ "$TRAIL_SEALED" != "$ACTUAL_SEALED" ]; then
  fail "sealed SHA-256" "the audit trail names $TRAIL_SEALED, the sealed PDF's SHA-256 is $ACTUAL_SEALED"
else
  ok "sealed SHA-256 (the audit trail names this sealed PDF: $ACTUAL_SEALED)"
fi

SEALED_ORIGINAL=$(printed "Original SHA-256" "$WORK/sealed.txt")
TRAIL_ORIGINAL=$(printed "Original SHA-256" "$WORK/trail.txt")
if [ -z "$SEALED_ORIGINAL" ] || [ -z "$TRAIL_ORIGINAL" ]; then
  fail "original SHA-256" "not printed in both files"
elif [ "$SEALED_ORIGINAL" != "$TRAIL_ORIGINAL" ]; then
  fail "original SHA-256" "the sealed PDF prints $SEALED_ORIGINAL, the audit trail $TRAIL_ORIGINAL"
else
  ok "original SHA-256 (both name the same original: $SEALED_ORIGINAL)"
fi

SEALED_REF=$(printed_word "Reference" "$WORK/sealed.txt")
TRAIL_REF=$(printed_word "Reference" "$WORK/trail.txt")
if [ -z "$SEALED_REF" ] || [ "$SEALED_REF" != "$TRAIL_REF" ]; then
  fail "reference" "the sealed PDF prints \"$SEALED_REF\", the audit trail \"$TRAIL_REF\""
else
  ok "reference ($SEALED_REF in both)"
fi

# --- 4. The audit chain attached to the trail recomputes, and contains the head the sealed PDF prints. ---
HEAD=$(printed "Audit chain head" "$WORK/sealed.txt")
HEAD_SEQ=$(grep -oE '^[[:space:]]*Audit chain head event +event [0-9]+' "$WORK/sealed.txt" | head -1 | grep -oE '[0-9]+$')
if ! pdfdetach -list "$WORK/trail.pdf" 2>/dev/null | grep -q 'audit-chain\.json'; then
  fail "audit chain" "the audit trail has no attached audit-chain.json (pdfdetach -list)"
  fail "chain head" "no chain to look the sealed PDF's head up in"
elif ! pdfdetach -savefile audit-chain.json -o "$WORK/audit-chain.json" "$WORK/trail.pdf" >/dev/null 2>&1; then
  fail "audit chain" "pdfdetach could not extract audit-chain.json"
  fail "chain head" "no chain to look the sealed PDF's head up in"
else
  python3 - "$WORK/audit-chain.json" "$HEAD" "${HEAD_SEQ:-}" "$ACTUAL_SEALED" "$SEALED_ORIGINAL" "$SEALED_REF" <<'PY'
import hashlib, json, sys

path, head, head_seq, sealed_sha, original_sha, reference = sys.argv[1:7]
failed = False

def report(ok, check, why=""):
    global failed
    print(("OK " + check) if ok else ("FAIL %s: %s" % (check, why)))
    failed |= not ok

try:
    with open(path, encoding="utf-8") as f:
        chain = json.load(f)
    events = chain["events"]
    genesis = chain["genesis"]
except Exception as e:  # not JSON, or not our format
    report(False, "audit chain", "audit-chain.json cannot be read: %s" % e)
    report(False, "chain head", "no chain to look the sealed PDF's head up in")
    sys.exit(1)

problem = None
prev = genesis
for i, e in enumerate(events, start=1):
    if e.get("seq") != i:
        problem = "event %d is missing (found seq %s)" % (i, e.get("seq")); break
    if e.get("prev_hash") != prev:
        problem = "event %d does not follow event %d (prev_hash %s, expected %s)" % (i, i - 1, e.get("prev_hash"), prev); break
    canonical = e.get("canonical", "")
    computed = hashlib.sha256((prev + canonical).encode("utf-8")).hexdigest()
    if computed != e.get("hash"):
        problem = "event %d (%s) was altered: SHA-256(prev_hash + canonical) is %s, the file says %s" % (i, e.get("type"), computed, e.get("hash")); break
    try:
        c = json.loads(canonical)
    except ValueError:
        problem = "event %d: its canonical string is not JSON" % i; break
    shown = {"seq": e.get("seq"), "type": e.get("type"), "at": e.get("at"), "actor": e.get("actor")}
    hashed = {"seq": c.get("seq"), "type": c.get("type"), "at": c.get("at"), "actor": c.get("actor")}
    if shown != hashed:
        problem = "event %d: its listed fields %s differ from what was hashed %s" % (i, shown, hashed); break
    prev = e["hash"]
if problem is None and chain.get("head") not in (None, prev):
    problem = "the file's head %s is not its last event's hash %s" % (chain.get("head"), prev)
if problem is None and not events:
    problem = "the chain has no events"
if problem is None:
    completed = [json.loads(e["canonical"]) for e in events if e["type"] == "completed"]
    data = completed[-1].get("data", {}) if completed else {}
    if not completed:
        problem = "the chain has no completed event"
    elif data.get("sealed_sha256") != sealed_sha:
        problem = "the completed event records sealed_sha256 %s, the sealed PDF's SHA-256 is %s" % (data.get("sealed_sha256"), sealed_sha)
    elif original_sha and data.get("original_sha256") not in (None, original_sha):
        problem = "the completed event records original_sha256 %s, the PDFs print %s" % (data.get("original_sha256"), original_sha)
    elif reference and chain.get("reference") not in (None, reference):
        problem = "the chain belongs to reference %s, the PDFs print %s" % (chain.get("reference"), reference)
report(problem is None, "audit chain" + (" (%d events recompute from genesis, SHA-256 chained; the completed event names the sealed PDF)" % len(events) if problem is None else ""), problem or "")

if not head:
    report(False, "chain head", "the sealed PDF prints no \"Audit chain head\"")
else:
    at = [e for e in events if e.get("hash") == head]
    if not at:
        report(False, "chain head", "the sealed PDF's chain head %s is not in the audit trail's chain" % head)
    elif head_seq and str(at[0]["seq"]) != head_seq:
        report(False, "chain head", "the sealed PDF says event %s, the chain has that hash at event %s" % (head_seq, at[0]["seq"]))
    else:
        report(True, "chain head (the sealed PDF's head is event %s of the chain: %s)" % (at[0]["seq"], head))
sys.exit(1 if failed else 0)
PY
  [ $? -eq 0 ] || FAILED=1
fi

if [ $FAILED -eq 0 ]; then
  echo "RESULT: unchanged"
  exit 0
fi
echo "RESULT: modified"
exit 1
