"""detective-rollout: operator CLI, embedded Step Functions engine and emulated AWS fleet."""

__version__ = "0.1.0"
