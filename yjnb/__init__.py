"""yjnb: reproducible Youth Justice Plans from parameterised notebooks."""

from yjnb.comparisons import comparison_table, indicators_table, population_table
from yjnb.plan import Plan, open_plan

__all__ = ["Plan", "comparison_table", "indicators_table", "open_plan", "population_table"]
__version__ = "0.1.0"
