"""The two reference SPARQL stores, started and stopped through the scripts in ``stores/``.

Used by the integration tests and the benchmarks: each store runs on free ports of 127.0.0.1
with its data in a folder of the caller's, and is stopped by the PID its start script wrote.

* ``oxigraph``: the Oxigraph server (``pip install oxigraph``; the binary next to the running
  Python is preferred, so a virtualenv's copy is used);
* ``virtuoso``: Virtuoso Open Source 7 (``apt-get install -y virtuoso-opensource``), login dba/dba.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[1] / "stores"
NAMES = ("oxigraph", "virtuoso")
INSTALL = {
    "oxigraph": "pip install oxigraph",
    "virtuoso": "apt-get install -y virtuoso-opensource",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def missing(name: str) -> str | None:
    """Why store ``name`` cannot run here (``None`` when it can)."""
    if not (SCRIPTS / name / "start.sh").exists():
        return f"no start script {SCRIPTS / name / 'start.sh'} (not a source checkout?)"
    if name == "oxigraph" and oxigraph_binary() is None:
        return f"the oxigraph binary is not installed ({INSTALL[name]})"
    if name == "virtuoso" and shutil.which("virtuoso-t") is None:
        return f"virtuoso-t is not installed ({INSTALL[name]})"
    if shutil.which("curl") is None:
        return "curl is not installed (the start scripts wait with it)"
    return None


@dataclass
class Store:
    name: str
    folder: Path
    query: str  # SPARQL query endpoint
    user: str | None = None
    password: str | None = None
    ports: tuple[int, ...] = field(default_factory=tuple)

    @property
    def publish_args(self) -> list[str]:
        """``axiskg publish`` arguments for this store."""
        args = ["--endpoint", self.query]
        if self.user:
            args += ["--user", self.user, "--password", self.password or ""]
        return args

    def stop(self) -> None:
        subprocess.run(
            ["bash", str(SCRIPTS / self.name / "stop.sh"), str(self.folder)],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )


def start(name: str, folder: Path) -> Store:
    """Start store ``name`` with its data in ``folder``; raises RuntimeError with the script's
    message when it does not come up."""
    folder.mkdir(parents=True, exist_ok=True)
    env = None
    if name == "oxigraph":
        port = free_port()
        ports: tuple[int, ...] = (port,)
        env = {"OXIGRAPH": oxigraph_binary() or "oxigraph"}
        store = Store(name, folder, f"http://127.0.0.1:{port}/query", ports=ports)
    elif name == "virtuoso":
        ports = (free_port(), free_port())
        store = Store(name, folder, f"http://127.0.0.1:{ports[1]}/sparql", "dba", "dba", ports)
    else:
        raise ValueError(f"unknown store {name!r} (known: {', '.join(NAMES)})")
    try:
        proc = subprocess.run(
            ["bash", str(SCRIPTS / name / "start.sh"), str(folder), *map(str, ports)],
            capture_output=True,
            text=True,
            timeout=180,
            env=dict(os.environ, **(env or {})),
        )
    except subprocess.TimeoutExpired:
        store.stop()
        raise RuntimeError(f"{name} did not start within 180 s") from None
    if proc.returncode != 0:
        raise RuntimeError(f"{name} did not start (exit {proc.returncode}): {proc.stderr.strip()}")
    return store
