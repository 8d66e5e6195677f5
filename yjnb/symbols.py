"""The GSS symbols that stand in a published table for a figure it does not show.

Their meanings, as the pages and spreadsheets explain them, are in templates/symbols.j2.
"""

SUPPRESSED = "[c]"  # confidential: withheld so that no child can be identified
NOT_AVAILABLE = "[x]"  # not available: not published for this area or period, or not computable
