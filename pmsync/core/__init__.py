"""The pure core: what a post-mortem says, what should change, and how it reads.

No I/O happens here and nothing here imports the orchestration, the adapters or the entry
points: every function takes values and returns values (docs/architecture.md).
"""
