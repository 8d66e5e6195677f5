"""Sections: the tables and charts each plan section shows, built from inputs and statistics."""
