# Helpers shared by the store scripts (sourced, not run).

# wait_http URL SECONDS PID: wait until URL answers HTTP 200, or fail if PID dies or time runs out.
wait_http() {
    local url=$1 seconds=$2 pid=$3 i
    for ((i = 0; i < seconds * 10; i++)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "store process $pid exited before it answered at $url" >&2
            return 1
        fi
        if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "store did not answer at $url within $seconds s" >&2
    return 1
}

# stop_pid PIDFILE NEEDLE: stop the process in PIDFILE (TERM, then KILL after 20 s), only if its
# command line contains NEEDLE (so a recycled PID is never hit). Removes PIDFILE.
stop_pid() {
    local pidfile=$1 needle=$2 pid i
    [[ -f $pidfile ]] || { echo "no PID file $pidfile: nothing to stop" >&2; return 0; }
    pid=$(<"$pidfile")
    if [[ ! $pid =~ ^[0-9]+$ ]]; then
        echo "bad PID file $pidfile" >&2
        return 1
    fi
    if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$needle"; then
        kill -TERM "$pid"
        for ((i = 0; i < 200; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "process $pid ignored TERM for 20 s: killing it" >&2
            kill -KILL "$pid"
        fi
    fi
    rm -f "$pidfile"
}
