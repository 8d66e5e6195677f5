"""Statistics: indicators, intervals, aggregates of areas and feasible ranges, computed only."""
