#!/usr/bin/env bash
# Stop the Oxigraph server started by stores/oxigraph/start.sh DATA_DIR (by its PID file).
#
#   stores/oxigraph/stop.sh DATA_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"
[[ $# -eq 1 ]] || { echo "usage: $0 DATA_DIR" >&2; exit 2; }
dir=$(cd "$1" && pwd)
stop_pid "$dir/oxigraph.pid" "$dir/db"
