#!/usr/bin/env bash
# Intake and the cheapest endpoints against `priemnaya serve` (granian WSGI ×2) on PostgreSQL.
#   bench/intake_wrk.sh <repo checkout> <database name> <port> <label>
# Makes a fresh database, a citizen and a token, starts the server, then runs wrk at 1 and 8
# connections (one wrk thread each up to 2) for POST /api/v1/appeals (unique Idempotency-Keys,
# bench/intake_wrk.lua), GET /api/v1/catalog/kinds and GET /healthz (the bare limit). Prints the
# wrk summaries; the machine is shared, so read req/s next to the CPU per request of
# bench/intake_profile.py. After each POST run: the server processes' CPU per request (user +
# system of granian and its workers, from /proc; PostgreSQL's backends not included).
# UVRUN overrides how the project's commands run, e.g. another checkout's sources through this
# virtual environment: UVRUN="env PYTHONPATH=/tmp/old/src /path/.venv/bin/".
set -euo pipefail
REPO=$1 DB=$2 PORT=$3 LABEL=$4
DURATION=${DURATION:-10s}
HERE=$(cd "$(dirname "$0")" && pwd)
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/12}
export SECRET_KEY=bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz
export DEBUG=0 SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0
export ALLOWED_HOSTS=127.0.0.1,localhost
export PRIEMNAYA_RATE_APPEALS=100000000/h PRIEMNAYA_RATE_APPEALS_USER=100000000/h
UVRUN=${UVRUN:-uv run }
cd "$REPO"
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
redis-cli -n "${REDIS_URL##*/}" flushdb >/dev/null
${UVRUN}priemnaya manage migrate --no-input -v 0
${UVRUN}priemnaya manage load_catalog >/dev/null
TOKEN=$(${UVRUN}priemnaya manage shell -c '
from django.utils import timezone
from priemnaya.accounts.models import User
from priemnaya.accounts.services import api_token_create
now = timezone.now()
u = User.objects.create_user(email="wrk@example.ru", phone="+79160000002", password="Vesna-2026!",
    full_name="Нагрузкин Тест", email_confirmed_at=now, phone_confirmed_at=now)
print(api_token_create(u, name="wrk"))' | tail -1)
export TOKEN
${UVRUN}priemnaya serve --port "$PORT" --ws-port $((PORT + 1)) --workers 2 >"/tmp/intake-serve-$LABEL.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 1; done
URL="http://127.0.0.1:$PORT"
tree() { local p; for p in "$@"; do echo "$p"; tree $(ps -o pid= --ppid "$p"); done; }
# CPU ticks (1/100 s) of the server and its workers.
ticks() { local t=0 p; for p in $(tree $SERVER); do
  [ -r /proc/$p/stat ] && t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat))); done; echo $t; }
# Warm both workers up.
wrk -t2 -c4 -d3s -s "$HERE/intake_wrk.lua" "$URL" >/dev/null 2>&1 || true
wrk -t2 -c4 -d2s "$URL/api/v1/catalog/kinds" >/dev/null
for c in 1 8; do
  t=$(( c < 2 ? c : 2 ))
  echo "== $LABEL POST /api/v1/appeals c=$c"
  before=$(ticks)
  out=$(RUN="$LABEL-$c" wrk -t$t -c$c -d"$DURATION" --latency -s "$HERE/intake_wrk.lua" "$URL")
  after=$(ticks)
  echo "$out" | grep -E "p95|Requests/sec|50%|90%|99%|Non-2xx|Latency  "
  done_requests=$(echo "$out" | awk '/requests in/ {print $1}')
  awk -v t=$((after - before)) -v n="$done_requests" \
    'BEGIN { printf "server CPU %.2f ms per request (%d requests)\n", t * 10 / n, n }'
  echo "== $LABEL GET /api/v1/catalog/kinds c=$c"
  wrk -t$t -c$c -d"$DURATION" --latency -s "$HERE/p95.lua" "$URL/api/v1/catalog/kinds" | grep -E "p95|Requests/sec|50%|90%|99%|Non-2xx|Latency  "
  echo "== $LABEL GET /healthz c=$c"
  wrk -t$t -c$c -d"$DURATION" --latency -s "$HERE/p95.lua" "$URL/healthz" | grep -E "p95|Requests/sec|50%|90%|99%|Non-2xx|Latency  "
done
echo "appeals in the database: $(psql -tA -h 127.0.0.1 -U postgres -d "$DB" -c 'select count(*) from appeals_appeal')"
