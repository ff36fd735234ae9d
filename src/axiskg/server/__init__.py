"""``axiskg serve``: a read-only SPARQL 1.1 endpoint with Linked Data pages.

Modules: :mod:`~axiskg.server.app` (HTTP routes), :mod:`~axiskg.sparql.safety` (refuses Update
and SERVICE before execution), :mod:`~axiskg.server.pool` (killable query worker processes),
:mod:`~axiskg.server.engine` (query execution inside a worker), :mod:`~axiskg.server.formats`
(media types, content negotiation), :mod:`~axiskg.server.pages` (Linked Data page models),
:mod:`~axiskg.server.service` (SPARQL service description). See docs/serve.md.
"""
