"""Entry points: the command line, the worker and the GitHub Actions glue.

They read settings, build the adapters and hand them to the orchestration. A command's
modules are loaded only when that command runs.
"""
