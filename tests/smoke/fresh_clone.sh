#!/usr/bin/env bash
# Clones the committed repository into a new folder (no venv), runs the README's run command,
# and checks that the login page, the admin and /api/schema/ answer within 3 minutes.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$(mktemp -d)"
git clone -q "$repo" "$dir/app"
cd "$dir/app"
port=$(( 18000 + RANDOM % 1000 ))
start=$(date +%s)
PORT=$port setsid bin/run >"$dir/run.log" 2>&1 &
pid=$!
stop() { kill -- -"$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; sleep 2; rm -rf "$dir"; }
trap stop EXIT
ok=""
while [ $(( $(date +%s) - start )) -lt 180 ]; do
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/accounts/login/" 2>/dev/null; then ok=1; break; fi
  sleep 2
done
if [ -z "$ok" ]; then echo "FAIL: app not up within 180 s"; tail -40 "$dir/run.log"; exit 1; fi
for path in /accounts/login/ /admin/login/ /healthz; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path")
  echo "  $path → HTTP $code"
  [ "$code" = 200 ] || { echo "FAIL: $path"; exit 1; }
done
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/schema/")
echo "  /api/schema/ (anonymous) → HTTP $code"
case "$code" in 401|403) ;; *) echo "FAIL: /api/schema/ open to anonymous users"; exit 1;; esac
grep -q "Demo@2026" "$dir/run.log" || { echo "FAIL: run command did not print the demo logins"; exit 1; }
pgrep -f "celery -A config worker" >/dev/null && pgrep -f "celery -A config beat" >/dev/null \
  || { echo "FAIL: worker/beat not running"; tail -20 "$dir/run.log"; exit 1; }
echo "fresh clone: app answered after $(( $(date +%s) - start )) s; worker and beat running"
