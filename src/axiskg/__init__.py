"""axiskg: an RDF knowledge graph of the alliance-axis report, with a Python toolkit."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("axiskg")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.1.0"
