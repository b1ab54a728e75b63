"""Fitting pmsync to one Jira site: what its create screens accept (``fit``) and the
verdicts of ``pmsync doctor`` (``verdicts``), decided from values read elsewhere."""
