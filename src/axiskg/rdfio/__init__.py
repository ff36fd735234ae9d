"""Reading and writing RDF: format resolution, safe parsing, term conversion, writers, canonical labels."""
