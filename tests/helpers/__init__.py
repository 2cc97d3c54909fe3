"""Helpers shared across test folders: scenarios, runners and fakes that more than one folder uses.

Conftests hold fixtures only; a test imports what it shares from here (``tests.helpers.<topic>``), never from
another folder's conftest or test module.
"""
