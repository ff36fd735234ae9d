"""Bad input to ``axiskg validate PATH``: a message naming the file (and line), exit 2, no traceback."""

import json
import time

import pytest
from conftest import run_cli

SECRET = "TOP-SECRET-CONTENT-4711"
RDF_NS = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex.org/"'


def assert_refused(proc, *needles):
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert proc.stderr.startswith("axiskg: error: ")
    for needle in needles:
        assert needle in proc.stderr, proc.stderr


def validate(project, *paths):
    return run_cli("validate", *map(str, paths), root=project, cwd=project.parent)


def test_malformed_syntax_names_file_and_line(project, tmp_path):
    f = tmp_path / "broken.ttl"
    f.write_text('<urn:a> <urn:b> <urn:c> .\n\n<urn:a> <urn:b> "unterminated .\n')
    assert_refused(validate(project, f), f"{f}:3:")


def test_not_utf8(project, tmp_path):
    f = tmp_path / "latin1.nt"
    f.write_bytes(b'<urn:a> <urn:b> "ok" .\n<urn:a> <urn:b> "caf\xe9" .\n')
    assert_refused(validate(project, f), f"{f}:2:", "not valid UTF-8")


def test_empty_file(project, tmp_path):
    f = tmp_path / "empty.jsonld"
    f.write_bytes(b"")
    assert_refused(validate(project, f), f"{f}: file is empty")


def test_unknown_extension(project, tmp_path):
    f = tmp_path / "notes.docx"
    f.write_text("<urn:a> <urn:b> <urn:c> .\n")
    assert_refused(validate(project, f), f"{f}: unknown RDF file extension '.docx'")


def test_missing_path(project, tmp_path):
    assert_refused(validate(project, tmp_path / "nope.ttl"), f"{tmp_path / 'nope.ttl'}: no such file")


def test_directory_without_rdf(project, tmp_path):
    d = tmp_path / "docs"
    d.mkdir()
    (d / "readme.md").write_text("# no RDF here\n")
    assert_refused(validate(project, d), f"{d}: directory contains no RDF files")


def test_truncated_jsonld(project, tmp_path):
    f = tmp_path / "cut.jsonld"
    f.write_text('{\n  "@id": "urn:a",\n  "urn:p": [{"@id": "urn:b"}, \n')
    assert_refused(validate(project, f), f"{f}:")


def test_bad_format_override_is_a_usage_error(project, tmp_path):
    f = tmp_path / "a.ttl"
    f.write_text("<urn:a> <urn:b> <urn:c> .\n")
    proc = run_cli("validate", "--format-in", "yaml", str(f), root=project)
    assert_refused(proc, "unknown RDF format 'yaml'")


def test_external_entity_is_never_resolved(project, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    f = tmp_path / "xxe.rdf"
    f.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY xxe SYSTEM "{secret.as_uri()}"> ]>\n'
        f'<rdf:RDF {RDF_NS}>\n  <rdf:Description rdf:about="http://ex.org/a"><ex:p>&xxe;</ex:p></rdf:Description>\n</rdf:RDF>\n'
    )
    for output in ("text", "turtle"):
        proc = run_cli("validate", "-o", output, str(f), root=project)
        assert_refused(proc, f"{f}:2:", "external XML entity")
        assert SECRET not in proc.stdout + proc.stderr
    proc = run_cli("validate", "-o", "json", str(f), root=project)  # the error as a JSON report
    assert proc.returncode == 2 and json.loads(proc.stdout)["error"]["line"] == 2
    assert SECRET not in proc.stdout + proc.stderr
    # and the loader itself never puts it in a graph
    from axiskg.dataset import Dataset
    from axiskg.errors import InputError

    with pytest.raises(InputError):
        Dataset.load([f], inferred=False)
    # an external DTD is refused as well
    f.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "{secret.as_uri()}">\n<rdf:RDF {RDF_NS}/>\n')
    assert_refused(validate(project, f), f"{f}:2:", "external")


def test_entity_expansion_bomb_is_refused_quickly(project, tmp_path):
    entities = '<!ENTITY lol0 "lollollollollollollollollollol">\n' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, 10)
    )
    f = tmp_path / "bomb.rdf"
    f.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n{entities}]>\n<rdf:RDF {RDF_NS}>\n'
        '<rdf:Description rdf:about="http://ex.org/a"><ex:p>&lol9;</ex:p></rdf:Description>\n</rdf:RDF>\n'
    )
    from axiskg.dataset import Dataset
    from axiskg.errors import InputError

    start = time.perf_counter()
    with pytest.raises(InputError, match="entity-expansion bomb"):
        Dataset.load([f], inferred=False)
    assert time.perf_counter() - start < 0.5
    assert_refused(validate(project, f), f"{f}:4:", "refers to other entities")


def test_quadratic_blowup_is_refused(project, tmp_path):
    big = "x" * 100_000
    f = tmp_path / "quadratic.rdf"
    f.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY big "{big}"> ]>\n<rdf:RDF {RDF_NS}>\n'
        f'<rdf:Description rdf:about="http://ex.org/a"><ex:p>{"&big;" * 1000}</ex:p></rdf:Description>\n</rdf:RDF>\n'
    )
    assert_refused(validate(project, f), f"{f}:", "would expand by 100000000 characters")


def test_plain_prefix_entities_still_load(project, tmp_path):
    """RDF/XML as Protégé writes it declares namespace entities: those are fine."""
    f = tmp_path / "protege.owl"
    f.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n  <!ENTITY ex "http://ex.org/" >\n]>\n'
        f'<rdf:RDF {RDF_NS}>\n  <rdf:Description rdf:about="&ex;a"><ex:p>v</ex:p></rdf:Description>\n</rdf:RDF>\n'
    )
    from axiskg.dataset import Dataset

    store = Dataset.load([f], inferred=False)
    assert [q.subject.value for q in store] == ["http://ex.org/a"]
    assert validate(project, f).returncode == 0


def test_twenty_megabyte_literal_works(project, tmp_path):
    f = tmp_path / "big.ttl"
    f.write_text(
        '<https://w3id.org/axiskg/id/x> <http://www.w3.org/2000/01/rdf-schema#comment> "' + "a" * 20_000_000 + '" .\n'
    )
    proc = run_cli("validate", "-o", "json", str(f), root=project)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["conforms"] is True
    from axiskg.dataset import Dataset

    store = Dataset.load([f], inferred=False)
    assert len(next(iter(store)).object.value) == 20_000_000
