"""SPARQL: the security gate, stored queries, running them locally or on an endpoint, result tables."""
