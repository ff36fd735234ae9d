#!/usr/bin/env bash
# Stop the Virtuoso server started by stores/virtuoso/start.sh DATA_DIR (by its PID file).
# Virtuoso writes a checkpoint on TERM; a server still running after 20 s is killed.
#
#   stores/virtuoso/stop.sh DATA_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"
[[ $# -eq 1 ]] || { echo "usage: $0 DATA_DIR" >&2; exit 2; }
dir=$(cd "$1" && pwd)
stop_pid "$dir/virtuoso.pid" "$dir/virtuoso.ini"
