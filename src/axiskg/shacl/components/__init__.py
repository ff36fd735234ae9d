"""The SHACL constraint components the compiler turns into SPARQL: one unit per component, in a
module per section of the specification (https://www.w3.org/TR/shacl/#core-components):

- §4.1 value type (:mod:`.value_type`): sh:class, sh:datatype, sh:nodeKind
- §4.2 cardinality (:mod:`.cardinality`): sh:minCount, sh:maxCount
- §4.3 value range (:mod:`.value_range`): sh:minInclusive, sh:maxInclusive, sh:minExclusive, sh:maxExclusive
- §4.4 string-based (:mod:`.string_based`): sh:minLength, sh:maxLength, sh:pattern, sh:languageIn, sh:uniqueLang
- §4.6 logical (:mod:`.logical`): sh:or (of sh:class shapes), sh:not (of one sh:pattern or sh:class)
- §4.7 shape-based (:mod:`.shape_based`): sh:qualifiedValueShape with sh:qualifiedMinCount
- §4.8 other (:mod:`.other`): sh:in
- §5 and §6 SPARQL-based (:mod:`.sparql`): sh:sparql, and the components a shapes graph declares

A shape that uses a component not here (§4.5 property pairs, sh:and, sh:xone, sh:node,
sh:closed, sh:hasValue, ...) goes, whole, to pyshacl: correct before fast.
"""

from __future__ import annotations

from axiskg.shacl.components import (
    cardinality,
    logical,
    other,
    shape_based,
    sparql,
    string_based,
    value_range,
    value_type,
)
from axiskg.shacl.components.base import Unit

#: component IRI -> its unit, in the order the compiler applies them to a property shape (the
#: order of the columns of the shared queries)
REGISTRY: dict[str, Unit] = {
    u.iri: u
    for u in (
        cardinality.min_count,
        cardinality.max_count,
        value_type.class_,
        value_type.datatype,
        other.in_,
        value_type.node_kind,
        string_based.pattern,
        string_based.language_in,
        string_based.unique_lang,
        string_based.min_length,
        string_based.max_length,
        value_range.min_inclusive,
        value_range.max_inclusive,
        value_range.min_exclusive,
        value_range.max_exclusive,
        shape_based.qualified_min_count,
        logical.or_,
        logical.not_,
        sparql.sparql_constraint,
    )
}
