"""Repeat incidents: finding earlier post-mortems with the same cause."""
