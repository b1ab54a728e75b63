"""``pmsync doctor``'s GitHub checks: the token works, each repository is reachable with
issues write, and the collaborator-permission endpoint that pmsync's trust rule asks
answers. Reads only."""

from __future__ import annotations

from collections.abc import Sequence

from pmsync.core.domain.site import Check, Verdict
from pmsync.errors import RemoteError
from pmsync.orchestration.ports import AccessReads

_WRITERS = frozenset({"admin", "maintain", "write"})


def _check(name: str, verdict: Verdict, detail: str, fix: str = "") -> Check:
    return Check(area="github", name=name, verdict=verdict, detail=detail, fix=fix)


def github_checks(github: AccessReads, repos: Sequence[str]) -> list[Check]:
    try:
        login = github.identity()
    except RemoteError as exc:
        return [
            _check("token", "fail", exc.detail, exc.hint or "set GITHUB_TOKEN to a valid token")
        ]
    checks = [_check("token", "ok", f"works, as {login}")]
    if not repos:
        checks.append(
            _check(
                "repositories",
                "fail",
                "none configured",
                "github.repositories: [OWNER/NAME] (or pass --repo)",
            )
        )
    for repo in repos:
        checks += _repo_checks(github, repo, login)
    return checks


def _repo_checks(github: AccessReads, repo: str, login: str) -> list[Check]:
    try:
        github.repo_labels(repo)
    except RemoteError as exc:
        fix = exc.hint or f"give the token access to {repo}, or correct github.repositories"
        return [_check(f"repository {repo}", "fail", f"not reachable: {exc.detail}", fix)]
    reach = _check(f"repository {repo}", "ok", "reachable")
    try:
        level = github.permission(repo, login)
    except RemoteError as exc:
        return [
            reach,
            _check(
                f"collaborator permission on {repo}",
                "fail",
                f"the endpoint answered {exc.status}: pmsync cannot tell who may approve "
                "post-mortems or use slash commands",
                exc.hint or "grant the token metadata: read on the repository",
            ),
        ]
    name = f"issues write on {repo}"
    if level in _WRITERS:
        return [reach, _check(name, "ok", f"{login} has {level}")]
    # An installation token (a GitHub App, the Actions bot) is no collaborator: its
    # permissions are the installation's, which this endpoint does not show.
    return [
        reach,
        _check(
            name,
            "warn",
            f"the collaborator-permission endpoint answers, but gives {login} {level!r}; "
            "for an installation token that is expected, else pmsync cannot comment or label",
            "grant issues: write (workflow permissions:, or the App's permissions)",
        ),
    ]
