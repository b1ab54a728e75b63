"""The emulated GitHub REST API; ``service.GithubService`` routes and answers requests."""
