"""One module per `pmsync` sub-command: its arguments and what it runs."""
