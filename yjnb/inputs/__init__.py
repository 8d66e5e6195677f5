"""Inputs: read and check every file an authority's plan is built from, and nothing more."""
