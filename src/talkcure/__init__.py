"""talkcure: a local-first psychodynamic therapy companion (self-help; not a clinician)."""

__version__ = "0.1.0"
