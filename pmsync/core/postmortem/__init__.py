"""Reading a post-mortem issue: the form, parsing, practice warnings and its labels."""
