"""Labels for the nodes people see in Protégé but no one names by hand: each claim's evidence, its
quote and position selectors, and each curated fact's claim link. They are derived from what the
node stands for ("evidence of claim p2-s2-3 (alliance-axis-2025)", "quote selector of claim …",
"jjoc-launched-2025 overtakes claim p2-s2-4 (alliance-axis-2025)"), so a new claim or a new report
gets them without anyone writing them, and a node that has a label keeps its own.

:mod:`axiskg.inference` answers :data:`LABELS` into the inferred graph; the release's OWL view keeps them.
"""

from __future__ import annotations

from axiskg.vocab import sparql_prefixes

# ?node gets "?text" unless it has an rdfs:label; the claim is named by the last segment of its IRI
# and the report it is derived from, so labels stay distinct across reports; a node reached twice
# (evidence shared by two claims) gets the least of its texts
LABELS = (
    sparql_prefixes("rdfs", "prov", "oa", "axis")
    + """CONSTRUCT { ?node rdfs:label ?label } WHERE {
SELECT ?node (STRLANG(MIN(CONCAT(?what, "claim ", REPLACE(STR(?claim), "^.*/", ""), ?from)), "en") AS ?label) WHERE {
  {
    ?claim axis:hasEvidence ?node . BIND("evidence of " AS ?what)
  } UNION {
    ?claim axis:hasEvidence ?evidence . ?evidence oa:hasSelector ?node . ?node a oa:TextQuoteSelector .
    BIND("quote selector of " AS ?what)
  } UNION {
    ?claim axis:hasEvidence ?evidence . ?evidence oa:hasSelector ?node . ?node a oa:TextPositionSelector .
    BIND("position selector of " AS ?what)
  } UNION {
    ?fact axis:hasClaimLink ?node .
    ?node axis:linksToClaim ?claim ; axis:linkRelation ?relation .
    BIND(CONCAT(REPLACE(STR(?fact), "^.*/", ""), " ", REPLACE(STR(?relation), "^.*[#/]", ""), " ") AS ?what)
  }
  FILTER(isIRI(?node))
  FILTER NOT EXISTS { ?node rdfs:label ?any }
  OPTIONAL { ?claim prov:wasDerivedFrom ?report . ?report a axis:Report }
  BIND(IF(BOUND(?report), CONCAT(" (", REPLACE(STR(?report), "^.*/", ""), ")"), "") AS ?from)
} GROUP BY ?node
}"""
)
