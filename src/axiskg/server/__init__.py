"""``axiskg serve``: a read-only SPARQL 1.1 endpoint with Linked Data pages.

Modules: :mod:`~axiskg.server.app` (the application and its routes),
:mod:`~axiskg.server.endpoint_routes` (``/sparql``), :mod:`~axiskg.server.page_routes` (``/``,
``/id/...``, ``/ontology``), :mod:`~axiskg.server.protocol` (the SPARQL 1.1 Protocol's rules as
pure functions), :mod:`~axiskg.server.responder` (settings, templates, running a query),
:mod:`~axiskg.server.guard` (headers, Host, per-client cap, head size and time limits),
:mod:`~axiskg.server.pool` (killable query worker processes) and :mod:`~axiskg.server.costs`
(what each query costs), :mod:`~axiskg.server.engine` (query execution inside a worker),
:mod:`~axiskg.server.formats` (media types, format choice), :mod:`~axiskg.server.pages` (Linked
Data page models), :mod:`~axiskg.server.service` (SPARQL service description). Every query is
checked first by :mod:`~axiskg.sparql.safety` (Update and SERVICE refused). See docs/serve.md.
"""
