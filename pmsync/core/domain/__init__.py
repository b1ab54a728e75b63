"""The domain vocabulary: the post-mortem model, observed state, planned changes, and the
identities and hidden markers that tie tickets and comments to a post-mortem."""
