"""The GitHub REST representations of the store's objects, field for field as
api.github.com sends them: one renderer made of each family's shapes."""

from __future__ import annotations

from dataclasses import dataclass

from pmsync_sandbox.github.issue_shapes import IssueShapes
from pmsync_sandbox.github.repository_shapes import RepositoryShapes


@dataclass(frozen=True)
class Renderer(RepositoryShapes, IssueShapes):
    """What a handler renders its answer with (``GitHubCall.render``)."""
