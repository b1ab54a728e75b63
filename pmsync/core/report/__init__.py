"""The manager's report (pure): its contents, the post-mortems as cases, the metrics and
their breakdowns and charts, and how the whole is built and written out."""
