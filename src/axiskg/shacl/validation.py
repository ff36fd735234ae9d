"""SHACL validation with pyshacl (``--engine pyshacl``, ``--inference``, and the default engine's
fallback), its report read into the one result model (:mod:`axiskg.shacl.results`)."""

from __future__ import annotations

import re

import rdflib
from rdflib import SH

from axiskg.errors import InputError
from axiskg.shacl.results import Describer, Report, Result, report_graph_of
from axiskg.vocab import local_name


def _results(report: rdflib.Graph, shapes: rdflib.Graph, data: rdflib.Graph, locate=None, written=None) -> list[Result]:
    describe = Describer(report, shapes, data)
    out = []
    # only the report's own results: pyshacl also types the nested sh:detail results of sh:node
    for r in report.objects(None, SH.result):
        if report.value(r, SH.resultSeverity) is None:
            continue
        messages = sorted(str(m) for m in report.objects(r, SH.resultMessage))
        value = report.value(r, SH.value)
        if written is not None and value is not None:
            value = written(value)
        focus = report.value(r, SH.focusNode)
        path = report.value(r, SH.resultPath)
        shape = report.value(r, SH.sourceShape)
        severity = report.value(r, SH.resultSeverity)
        out.append(
            Result(
                source=locate(focus) if locate is not None else None,
                severity=local_name(str(severity)),
                focus=describe.node(focus),
                path=describe.path(path),
                component=str(report.value(r, SH.sourceConstraintComponent)),
                source_shape=describe.shape(shape),
                value=describe.node(value) if value is not None else None,
                message="; ".join(messages) if messages else None,
                focus_node=focus,
                path_node=path,
                value_node=value,
                shape_node=shape,
                severity_node=severity,
                constraint_node=report.value(r, SH.sourceConstraint),
            )
        )
    return sorted(out, key=Result.sort_key)


def validate(
    data_graph: rdflib.Graph,
    shapes_graph: rdflib.Graph,
    ont_graph: rdflib.Graph | None = None,
    inference: str = "none",
    locate=None,
    written=None,
) -> Report:
    """Validate ``data_graph`` (mixed with ``ont_graph``) against ``shapes_graph``.

    SHACL-SPARQL constraints run (``advanced=True``); ``Report.conforms`` is false when there is
    any result, as ``sh:conforms`` (whether a run fails is :func:`axiskg.shacl.reporting.fails`).
    Shapes whose SPARQL the gate refuses (:mod:`axiskg.shacl.shape_queries`), or pyshacl cannot load,
    raise :class:`InputError`. ``locate(term)``,
    if given, names the file each focus node comes from (``Result.source``);
    see :func:`axiskg.rdfio.sources.source_locator`. ``written(term)``, if given, turns a value as the
    store holds it into the value as written (:func:`axiskg.rdfio.terms.written_term`).
    """
    import pyshacl
    from pyparsing import ParseException
    from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ShapeLoadError

    from axiskg import linear_regex
    from axiskg.shacl import shape_queries

    shape_queries.check_shapes(shapes_graph)  # untrusted SPARQL: refused before anything runs
    linear_regex.install()  # sh:pattern and REGEX in linear time (pyshacl's re backtracks)

    merged_here = ont_graph is not None
    if ont_graph is not None:
        # pyshacl's own ont_graph mixing clones every node recursively (most of the validation
        # time); a plain union of the two graphs is equivalent and instant.
        merged = rdflib.Graph()
        for triple in data_graph:
            merged.add(triple)
        for triple in ont_graph:
            merged.add(triple)
        data_graph = merged
    try:
        _, raw, _ = pyshacl.validate(
            data_graph,
            shacl_graph=shapes_graph,
            ont_graph=None,
            inference=inference,
            advanced=True,
            allow_warnings=True,
            abort_on_first=False,
            # a graph made here, and no inference to add to it: pyshacl need not clone it first
            # (a clone costs a noticeable share of the validation)
            inplace=merged_here and inference == "none",
        )
    except (ShapeLoadError, ConstraintLoadError, ReportableRuntimeError, NotImplementedError, ParseException) as exc:
        # (ParseException: rdflib's parser refusing what pyoxigraph's, in check_shapes, took)
        raise InputError("shapes", f"cannot use the shapes: {getattr(exc, 'message', exc)}") from None
    except re.error as exc:  # pyshacl 0.40 fills message templates with re.sub: a value with "\\1" breaks it
        raise InputError(
            "shapes",
            f"pyshacl cannot fill a message template with these values ({exc}); "
            "use the default engine (--engine sparql, --inference none)",
        ) from None
    results = _results(raw, shapes_graph, data_graph, locate, written)
    standard = report_graph_of(results, shapes_graph, data_graph.predicate_objects)
    return Report(conforms=not results, results=results, graph=standard)
