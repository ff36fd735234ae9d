"""Documentation: the static site (``axiskg docs``) and the pictures generated from the graph.

* :mod:`axiskg.docs.graphdata` -- SPARQL on the store -> plain Python records
* :mod:`axiskg.docs.pictures`  -- records -> Graphviz DOT -> deterministic SVG
* :mod:`axiskg.docs.ontology`  -- what pyLODE does not show: disjointness, shapes per class
* :mod:`axiskg.docs.site`      -- the pages of ``dist/site/`` (Jinja2 templates in ``templates/``)
"""
