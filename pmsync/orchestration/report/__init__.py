"""Producing the report: gathering post-mortems and tickets, and publishing the digest."""
