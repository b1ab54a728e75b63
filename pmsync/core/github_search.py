"""What GitHub's issue search accepts, for the modules that build its queries."""

from __future__ import annotations

from pmsync.errors import ConfigError

# Repositories named in one query; keeps it well inside GitHub's length limit.
REPOS_PER_QUERY = 20
# GitHub returns at most this many results for one query, however many pages are read.
SEARCH_RESULT_LIMIT = 1000


def quoted_label(label: str, setting: str) -> str:
    """``label`` quoted for a ``label:`` qualifier; ``setting`` names where it is configured."""
    if '"' in label:
        raise ConfigError(
            f"the label {label!r} contains a double quote, which GitHub search cannot quote; "
            f"choose {setting} without '\"' in the configuration"
        )
    return f'"{label}"'
