"""Trigger Lambdas: turn an event (account vended, CSV uploaded, account left) into one workflow execution.

Each module has a pure function that takes injected clients and returns what it did, and a thin
``lambda_handler`` that creates the clients at call time (never at import) and reads its settings
from the environment the SAM template defines.
"""
