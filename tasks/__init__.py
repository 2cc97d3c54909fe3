"""Lambda task code of detective-rollout: one module per ASL Task state."""

#: Recorded in every plan/report (``request.version``) so a report says which code produced it.
__version__ = "0.1.0"
