"""Publishing the built graph to a SPARQL 1.1 store: endpoints, chunking, loading, verification."""
