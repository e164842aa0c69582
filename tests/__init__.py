"""stemma tests; a package so tests can import shared helpers from .conftest."""
