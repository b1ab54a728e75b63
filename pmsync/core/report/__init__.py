"""The manager's report: its model, its metrics and how it is written out."""
