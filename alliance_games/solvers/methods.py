"""The solver method names (no heavy imports, so the CLI can list them instantly)."""

METHODS = ("auto", "pure", "spe", "enummixed", "mixed", "lcp", "lp", "enumpoly", "logit", "pbe")
