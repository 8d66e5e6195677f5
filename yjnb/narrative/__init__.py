"""Narrative: an authority's markdown rendered safely, with the figures it may quote by name."""
