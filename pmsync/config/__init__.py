"""pmsync's configuration: the model, its problems, YAML loading and settings."""
