"""pmsync: post-mortem action items as tracked Jira tickets, kept in step with GitHub."""

__version__ = "0.1.0"
