"""Presentation: published tables and charts, how local figures are written, and [c] marks."""
