#!/usr/bin/env bash
# Start a read-write Oxigraph server (https://github.com/oxigraph/oxigraph, `pip install oxigraph`).
#
#   stores/oxigraph/start.sh DATA_DIR [PORT]      (PORT default 7878)
#
# Binds 127.0.0.1:PORT only; database in DATA_DIR/db, log in DATA_DIR/oxigraph.log, PID in
# DATA_DIR/oxigraph.pid. Returns once the server answers (at most 30 s). The binary is
# $OXIGRAPH if set, else `oxigraph` on PATH.
# Endpoints: query http://127.0.0.1:PORT/query, update /update, Graph Store Protocol /store.
# Stop it with stores/oxigraph/stop.sh DATA_DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"
[[ $# -ge 1 ]] || { echo "usage: $0 DATA_DIR [PORT]" >&2; exit 2; }
dir=$(mkdir -p "$1" && cd "$1" && pwd)
port=${2:-7878}
bin=${OXIGRAPH:-oxigraph}
command -v "$bin" >/dev/null || { echo "oxigraph binary not found ($bin): pip install oxigraph" >&2; exit 3; }
if [[ -f $dir/oxigraph.pid ]] && kill -0 "$(<"$dir/oxigraph.pid")" 2>/dev/null; then
    echo "an Oxigraph server already runs for $dir (PID $(<"$dir/oxigraph.pid"))" >&2
    exit 1
fi
mkdir -p "$dir/db"
"$bin" serve --location "$dir/db" --bind "127.0.0.1:$port" >"$dir/oxigraph.log" 2>&1 &
pid=$!
echo "$pid" >"$dir/oxigraph.pid"
if ! wait_http "http://127.0.0.1:$port/query?query=ASK%7B%7D" 30 "$pid"; then
    tail -5 "$dir/oxigraph.log" >&2
    stop_pid "$dir/oxigraph.pid" "$dir/db"
    exit 1
fi
echo "Oxigraph (PID $pid) at http://127.0.0.1:$port/query"
