"""The emulated Jira site; ``service.JiraService`` authenticates, routes and answers requests."""
