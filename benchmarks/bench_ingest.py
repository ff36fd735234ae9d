"""Ingest benchmark: ``axiskg ingest`` of a synthetic text of N words (default 100,000), goal <= 10 s.

    .venv/bin/python benchmarks/bench_ingest.py [--words 100000] [--goal 10]

The text (seeded, deterministic) has headings and paragraphs of sentences made from a small
vocabulary that includes abbreviations ("U.S.", "e.g."), non-ASCII words (code points != bytes),
modality cues and labels of existing entities, so every stage works: segmentation, drafting,
candidate entities and selectors. It is ingested into a temp copy of the project (ontology, data)
by the CLI in a subprocess, timed as a user runs it; then ``axiskg verify`` (also timed) checks
every offset and quote against the text, and the benchmark checks independently that every
sentence's ``axis:hasText`` is the text's slice at its offsets. Results go to
``benchmarks/results/ingest.json`` and ``ingest.md``. Run on demand, never by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"

SUBJECTS = ["Japan", "China", "The U.S.", "The alliance", "USFJ", "Australia", "The Philippines", "Tōkyō's cabinet"]
CUES = ["plans to", "will", "may", "is expected to", "intends to", "has", "is", "seeks to"]
VERBS = ["expand", "review", "strengthen", "coordinate", "fund", "delay", "reconsider", "deepen"]
OBJECTS = [
    "its maritime patrols",
    "the joint command, e.g. in Okinawa",
    "port access for allied ships",
    "the budget for 2027",
    "exercises with the U.S.-Japan alliance",
    "a café-style liaison forum",
    "air defence co-operation",
]


def synthetic_text(words: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    out = ["A Synthetic Report on Maritime Coordination (benchmark text, made up)"]
    count = len(out[0].split())
    part = 0
    while count < words:
        if rng.random() < 0.08:
            part += 1
            out.append(f"Part {part} Findings")
            count += 3
            continue
        sentences = []
        for _ in range(rng.randint(2, 6)):
            s = f"{rng.choice(SUBJECTS)} {rng.choice(CUES)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}."
            sentences.append(s)
            count += len(s.split())
        out.append(" ".join(sentences))
    return "\n".join(out) + "\n"


def timed(argv: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    env = dict(os.environ)
    env.pop("AXISKG_ROOT", None)
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, cwd=cwd, env=env)
    return time.perf_counter() - started, done


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--words", type=int, default=100_000)
    ap.add_argument("--goal", type=float, default=10.0, help="seconds the ingest may take")
    args = ap.parse_args(argv)
    axiskg = [sys.executable, "-m", "axiskg"]
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())  # other work on the machine slows every figure
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        root = Path(tmp) / "repo"
        for part in ("ontology", "data"):
            shutil.copytree(ROOT / part, root / part)
        text = synthetic_text(args.words)
        source = root / "sources" / "synthetic.txt"
        source.parent.mkdir()
        source.write_text(text, encoding="utf-8")
        ingest_s, done = timed(
            [*axiskg, "--root", str(root), "ingest", str(source), "--id", "synthetic", "--published", "2026-01-01"],
            root,
        )
        if done.returncode != 0:
            print(done.stdout + done.stderr, file=sys.stderr)
            return 1
        verify_s, checked = timed([*axiskg, "--root", str(root), "verify", "--output", "json"], root)
        folder = root / "data" / "synthetic"
        text_ttl = (folder / "text.ttl").read_text(encoding="utf-8")
        spans = re.findall(
            r'axis:startIndex "(\d+)"\^\^xsd:nonNegativeInteger ; axis:endIndex "(\d+)"\^\^xsd:nonNegativeInteger ;\n'
            r"    axis:hasText (\".*\") \.",
            text_ttl,
        )
        wrong = [s for s, e, t in spans if text[int(s) : int(e)] != json.loads(t)]
        report = json.loads(checked.stdout) if checked.stdout.strip().startswith("{") else {}
        synthetic_violations = sum(
            1
            for r in report.get("results", [])
            if r.get("severity") == "Violation" and "/synthetic/" in str(r.get("focusNode", ""))
        )
        result = {
            "words": len(text.split()),
            "characters": len(text),
            "sentences": len(spans),
            "draft claims": (folder / "drafts.ttl").read_text(encoding="utf-8").count(" a axis:Claim ;"),
            "ingest seconds": round(ingest_s, 2),
            "goal seconds": args.goal,
            "within goal": ingest_s <= args.goal,
            "verify seconds": round(verify_s, 2),
            "verify exit": checked.returncode,
            "verify violations in the synthetic report": synthetic_violations,
            "sentences whose text is not the slice at their offsets": len(wrong),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "load average before the run": load,
            "command": "python benchmarks/bench_ingest.py --words " + str(args.words),
        }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ingest.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    rows = "\n".join(f"| {k} | {v} |" for k, v in result.items())
    (RESULTS / "ingest.md").write_text(
        f"# axiskg ingest: synthetic text\n\n| measure | value |\n| --- | --- |\n{rows}\n", encoding="utf-8"
    )
    print(json.dumps(result, indent=2))
    ok = result["within goal"] and not wrong and synthetic_violations == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
