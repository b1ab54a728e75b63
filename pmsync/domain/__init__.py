"""The post-mortem's domain objects: the model, observed state and planned changes."""
