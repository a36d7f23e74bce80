#!/usr/bin/env bash
# `make serve`: a Prefect server on loopback, the `claimtrack` work pool, the deployments of prefect.yaml, one
# worker and one triggered ingest run, all from this checkout; it prints where to watch the run and keeps running
# (the cron schedule goes on) until Ctrl-C (or SIGTERM) stops the worker, then the server, by their process ids.
# These are the commands of docs/deploy.md "Run on a Prefect server", in one script.
set -euo pipefail
# Job control: each background job gets its own process group and keeps its default SIGINT/SIGTERM handling.
# Without it a backgrounded `prefect worker start` ignores SIGTERM and cannot be stopped cleanly.
set -m
cd "$(dirname "$0")/.."

BIN=${BIN:-.venv/bin}
HOST=127.0.0.1
PORT=${PREFECT_PORT:-4200}
export PREFECT_HOME=${PREFECT_HOME:-$PWD/.prefect}
export PREFECT_API_URL="http://$HOST:$PORT/api"
export PREFECT_SERVER_ANALYTICS_ENABLED=false
# Run logs reach the UI only at the level the flow-run process logs at (make's default is WARNING).
export PREFECT_LOGGING_LEVEL=INFO
mkdir -p "$PREFECT_HOME"
SERVER_LOG=$PREFECT_HOME/server.log

server=""
worker=""
# SIGTERM, then SIGKILL to the job's process group if it is still there after a grace period. The fallback matters
# when serve itself was started with SIGINT ignored (`make serve &` from a script, nohup): the worker turns
# SIGTERM into a SIGINT to itself, which it would then ignore.
stop_job() {
    local pid=$1 name=$2
    if [[ -z $pid ]] || ! kill -0 "$pid" 2>/dev/null; then
        return 0
    fi
    echo "stopping the $name (pid $pid)" >&2 || true
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "the $name did not stop within 20 s: killing its process group" >&2 || true
        kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
stop() {
    trap - INT TERM EXIT
    # Ctrl-C may have closed our stdout already (`make serve | tee log`): never let a message stop the cleanup.
    trap '' PIPE
    stop_job "$worker" worker  # the worker first: it reports its runs to the server
    stop_job "$server" server
}
trap stop INT TERM EXIT

if curl -sf "http://$HOST:$PORT/api/health" >/dev/null 2>&1; then
    echo "serve: something already answers on $HOST:$PORT; stop it or pick another port: make serve PREFECT_PORT=4300" >&2
    exit 1
fi

echo "starting the Prefect server on http://$HOST:$PORT (log: $SERVER_LOG)"
started=$SECONDS
"$BIN/prefect" server start --host "$HOST" --port "$PORT" >"$SERVER_LOG" 2>&1 &
server=$!
until curl -sf "http://$HOST:$PORT/api/health" >/dev/null 2>&1; do
    if ! kill -0 "$server" 2>/dev/null; then
        echo "serve: the server exited; last lines of $SERVER_LOG:" >&2
        tail -20 "$SERVER_LOG" >&2
        exit 1
    fi
    sleep 0.2
done
echo "server ready after $((SECONDS - started)) s"

"$BIN/prefect" work-pool inspect claimtrack >/dev/null 2>&1 \
    || "$BIN/prefect" work-pool create claimtrack --type process
"$BIN/prefect" global-concurrency-limit inspect duckdb-writer >/dev/null 2>&1 \
    || "$BIN/prefect" global-concurrency-limit create duckdb-writer --limit 1
PIPELINE_DIR=$PWD "$BIN/prefect" --no-prompt deploy --all >/dev/null
echo "deployed: ingest/ingest (every 30 minutes, UTC) and backfill/backfill (ad hoc)"

"$BIN/prefect" worker start --pool claimtrack &
worker=$!

# One run now, so there is something to look at without waiting for the schedule. Without --watch the command
# returns once the run is created; the worker picks it up within its polling interval.
if ! triggered=$("$BIN/prefect" deployment run ingest/ingest 2>&1); then
    echo "serve: could not trigger an ingest run:" >&2
    echo "$triggered" >&2
    exit 1
fi
run_id=$(sed -nE 's/.*UUID: ([0-9a-f-]{36}).*/\1/p' <<<"$triggered" | head -1)
if [[ -z $run_id ]]; then
    echo "serve: no flow run id in the output of 'prefect deployment run':" >&2
    echo "$triggered" >&2
    exit 1
fi

cat <<EOF

  UI:         http://$HOST:$PORT
  ingest run: http://$HOST:$PORT/runs/flow-run/$run_id
              (its logs; the artifacts ingest-summary and position-changes once it is Completed)
  run again:  PREFECT_API_URL=$PREFECT_API_URL $BIN/prefect deployment run ingest/ingest
  backfill:   PREFECT_API_URL=$PREFECT_API_URL $BIN/claimtrack backfill --reprocess --deployment
  stop:       Ctrl-C (stops the worker, then the server)

EOF
wait "$worker"
