"""Fixtures shared by the bundle tests: ``scratch``, one empty plant per backend."""

from tests.interchange.test_bundle_import import _dispose_scratch, scratch  # noqa: F401 - re-exported fixtures
