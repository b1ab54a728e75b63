"""Reading a post-mortem issue: the form, parsing, linting and its labels."""
