"""axiskg docs: the static site (ontology reference, data, claims, queries, pictures)."""

from __future__ import annotations

import argparse
from pathlib import Path

from axiskg.commands import require, root_of


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "docs",
        help="write the static documentation site (HTML + SVG pictures) to dist/site/",
        description="Write the static site: the ontology reference (pyLODE), disjointness and shapes "
        "per class, actors, mechanisms, the report's structure, every claim, the stored queries with "
        "their current results, and the pictures generated from the graph. Needs Graphviz.",
    )
    p.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: <root>/dist/site)")
    p.add_argument(
        "--readme-images",
        type=Path,
        metavar="DIR",
        help="instead of the site, write only the README pictures (alliance-network.svg, "
        "causal-map.svg) to DIR, e.g. docs/img",
    )
    p.set_defaults(func=run, offline=lambda a: True)  # see axiskg.sandbox


def run(args: argparse.Namespace) -> int:
    require("docs", "docs")
    from axiskg import paths
    from axiskg.atomic import atomic_write
    from axiskg.docs import site

    root = root_of(args)
    if args.readme_images is not None:
        for name, data in site.readme_pictures(root).items():
            atomic_write(args.readme_images / name, data)
            print(args.readme_images / name)
        return 0
    out = args.out if args.out is not None else paths.dist_dir(root) / "site"
    files = site.render_site(root)
    site.write_site(out, files)
    print(f"{len(files)} files written; open {(out / 'index.html').resolve()}")
    return 0
