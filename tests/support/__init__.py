"""What the tests share: real data, post-mortem bodies, factories, sandbox helpers."""
