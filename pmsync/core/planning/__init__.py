"""Planning: from a post-mortem and what GitHub and Jira hold, the list of changes to make."""
