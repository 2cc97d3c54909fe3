"""Lambda task code of detective-rollout: one module per ASL Task state."""
