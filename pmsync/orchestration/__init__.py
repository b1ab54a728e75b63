"""Orchestration: observe, plan, apply and record, one post-mortem at a time.

It talks to GitHub and Jira only through the ports in ``pmsync.orchestration.ports``; the
entry points hand it the adapters that implement them (docs/architecture.md).
"""
