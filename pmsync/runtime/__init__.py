"""Running pmsync: a run's setup, the worker, redaction and GitHub Actions output."""
