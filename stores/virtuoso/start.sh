#!/usr/bin/env bash
# Start Virtuoso Open Source 7 (Debian: apt-get install -y virtuoso-opensource) on a throwaway
# database.
#
#   stores/virtuoso/start.sh DATA_DIR [SQL_PORT] [HTTP_PORT]     (defaults 1111 and 8890)
#
# Renders virtuoso.ini.template into DATA_DIR/virtuoso.ini (database, log, lock in DATA_DIR;
# both ports on 127.0.0.1 only), starts `virtuoso-t +foreground` in the background, writes its
# PID to DATA_DIR/virtuoso.pid and returns once the SPARQL endpoint answers (at most 90 s).
# A new database has the login dba / dba. Endpoints: query http://127.0.0.1:HTTP_PORT/sparql,
# authenticated (HTTP digest) update /sparql-auth, Graph Store Protocol /sparql-graph-crud-auth.
# Stop it with stores/virtuoso/stop.sh DATA_DIR. The binary is $VIRTUOSO if set, else virtuoso-t.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"
[[ $# -ge 1 ]] || { echo "usage: $0 DATA_DIR [SQL_PORT] [HTTP_PORT]" >&2; exit 2; }
dir=$(mkdir -p "$1" && cd "$1" && pwd)
sql_port=${2:-1111}
http_port=${3:-8890}
bin=${VIRTUOSO:-virtuoso-t}
command -v "$bin" >/dev/null || {
    echo "virtuoso-t not found: apt-get install -y virtuoso-opensource" >&2
    exit 3
}
if [[ -f $dir/virtuoso.pid ]] && kill -0 "$(<"$dir/virtuoso.pid")" 2>/dev/null; then
    echo "a Virtuoso server already runs for $dir (PID $(<"$dir/virtuoso.pid"))" >&2
    exit 1
fi
sed -e "s|@DIR@|$dir|g" -e "s|@SQL_PORT@|$sql_port|g" -e "s|@HTTP_PORT@|$http_port|g" \
    "$here/virtuoso.ini.template" >"$dir/virtuoso.ini"
# the working directory holds nothing of Virtuoso's: everything goes where the ini file says
(cd "$dir" && exec "$bin" +foreground +configfile "$dir/virtuoso.ini" >"$dir/virtuoso.out" 2>&1) &
pid=$!
echo "$pid" >"$dir/virtuoso.pid"
if ! wait_http "http://127.0.0.1:$http_port/sparql?query=ASK%7B%7D" 90 "$pid"; then
    tail -5 "$dir/virtuoso.log" "$dir/virtuoso.out" >&2 || true
    stop_pid "$dir/virtuoso.pid" "$dir/virtuoso.ini"
    exit 1
fi
echo "Virtuoso (PID $pid) at http://127.0.0.1:$http_port/sparql (SQL port $sql_port)"
