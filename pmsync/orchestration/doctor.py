"""``pmsync doctor``: everything a run needs of Jira, checked with the run's credentials
before the first write (issue #21). Reads only; each answer becomes a ``Check`` line, the
verdicts themselves are pure (``pmsync.core.site.verdicts``).

The projects checked are ``jira.project`` and every ``jira.projects_by_service`` value,
each with its issue type (``jira.issue_types``, else ``jira.issue_type``).
"""

from __future__ import annotations

from collections.abc import Callable

from pmsync.config.schema import Config, Person
from pmsync.core.domain.site import Check, Verdict
from pmsync.core.site import verdicts
from pmsync.errors import RemoteError
from pmsync.orchestration.ports import SiteReads

CLOUD_ID_FIX = (
    "if the token is a service account's scoped API token, set jira.cloud_id (or "
    "JIRA_API_URL=https://api.atlassian.com/ex/jira/CLOUD_ID); the site tells its id at "
    "{site}/_edge/tenant_info"
)
CLOUD_ID_FOUND = (
    "if the token is a service account's scoped API token, set jira.cloud_id: {cloud_id} "
    "(or JIRA_API_URL=https://api.atlassian.com/ex/jira/{cloud_id}), as "
    "{site}/_edge/tenant_info tells"
)


def _jira(name: str, verdict: Verdict, detail: str, fix: str = "") -> Check:
    return Check(area="jira", name=name, verdict=verdict, detail=detail, fix=fix)


def _person(name: str, verdict: Verdict, detail: str, fix: str = "") -> Check:
    return Check(area="people", name=name, verdict=verdict, detail=detail, fix=fix)


def projects(config: Config) -> list[str]:
    return sorted({config.jira.project, *config.jira.projects_by_service.values()})


def jira_checks(
    site: SiteReads, config: Config, *, deployment: str, site_url: str, api_url: str = ""
) -> list[Check]:
    """``api_url``: where requests went, when not the site itself."""
    try:
        me = site.whoami()
    except RemoteError as exc:
        through_site = api_url in ("", site_url)
        return [_credentials_failed(exc, site, deployment, site_url, through_site)]
    who = me.get("displayName") or me.get("name") or me.get("accountId") or "?"
    checks = [_jira("credentials", "ok", f"signed in as {who} on Jira {deployment}")]
    checks += _guarded("projects", lambda: _project_checks(site, config))
    checks += _guarded(
        "link types", lambda: [verdicts.link_type_check(config, site.link_type_names())]
    )
    checks += _guarded(
        "resolutions", lambda: [verdicts.resolution_check(config, site.resolution_names())]
    )
    checks += _guarded("people", lambda: people_checks(site, config, deployment, me))
    return checks


def _guarded(what: str, read: Callable[[], list[Check]]) -> list[Check]:
    """One refused read fails its own check, not the rest of the doctor."""
    try:
        return read()
    except RemoteError as exc:
        return [_jira(what, "fail", f"Jira answered {exc.status}: {exc.detail}", exc.hint or "")]


def _credentials_failed(
    exc: RemoteError, site: SiteReads, deployment: str, site_url: str, through_site: bool
) -> Check:
    """A 401 from a Cloud site may be a service account's token sent to the site: the
    fix names the site's cloud id when the site tells it."""
    fix = exc.hint or ""
    if exc.status == 401 and deployment != "datacenter" and through_site:
        cloud_id = site.cloud_id()
        text = CLOUD_ID_FOUND if cloud_id else CLOUD_ID_FIX
        fix = f"{fix} Or, {text.format(site=site_url, cloud_id=cloud_id)}".strip()
    return _jira("credentials", "fail", f"Jira answered {exc.status}: {exc.detail}", fix)


def _project_checks(site: SiteReads, config: Config) -> list[Check]:
    checks: list[Check] = []
    for key in projects(config):
        checks += _one_project(site, config, key)
    return checks


def _one_project(site: SiteReads, config: Config, key: str) -> list[Check]:
    info = site.project(key)
    if info is None:
        return [
            _jira(
                f"project {key}",
                "fail",
                "not found, or this account may not browse it",
                "jira.project (or jira.projects_by_service) must name an existing project key; "
                "or grant the account Browse projects",
            )
        ]
    style = "team-managed" if info.team_managed else "company-managed"
    checks = [_jira(f"project {key}", "ok", f"{info.name or key} ({style})")]
    wanted = config.jira.issue_type_for(key)
    type_check = verdicts.issue_type_check(key, wanted, site.issue_types(key))
    checks.append(type_check)
    if type_check.verdict == "fail":
        return checks
    screen = site.create_screen(key, wanted)
    if screen is None:
        return checks
    checks += verdicts.screen_checks(screen, config.jira.fields)
    priority = screen.fields.get("priority")
    if priority is not None:
        allowed = priority.allowed or site.priority_names()
        checks += verdicts.priority_checks(key, config, allowed)
    ticket = site.some_ticket(key)
    targets = site.transition_targets(ticket) if ticket else ()
    checks.append(verdicts.transition_check(key, ticket, targets))
    return checks


def people_checks(
    site: SiteReads, config: Config, deployment: str, me: dict[str, object]
) -> list[Check]:
    """Every person under ``people:`` resolves to an account; on Cloud, whether this
    account may search users at all (without *Browse users and groups* every search
    answers an empty list)."""
    if not config.people:
        return [_person("people", "ok", "none configured: tickets are created unassigned")]
    by_email = [login for login, p in config.people.items() if not p.jira_account]
    checks: list[Check] = []
    can_search = True
    if deployment == "cloud" and by_email:
        probe = str(me.get("displayName") or me.get("emailAddress") or "")
        can_search = bool(probe) and site.users_matching(probe) > 0
        if not can_search:
            checks.append(
                _person(
                    "user search",
                    "fail",
                    "the account finds no users, not even itself: it lacks the global "
                    "permission Browse users and groups, so e-mail addresses find nobody",
                    "grant Browse users and groups, or give each person's jira_account",
                )
            )
    for login, person in sorted(config.people.items()):
        checks.append(_person_check(site, login, person, can_search))
    return checks


def _person_check(site: SiteReads, login: str, person: Person, can_search: bool) -> Check:
    name = f"people.{login}"
    fix = f"people: {{{login}: {{jira_account: ACCOUNT_ID}}}}"
    if person.jira_account:
        if site.user_exists(person.jira_account):
            return _person(name, "ok", f"account {person.jira_account} exists")
        return _person(name, "fail", f"no Jira account {person.jira_account!r}", fix)
    assert person.email is not None  # a Person has an account or an e-mail
    if can_search and site.users_matching(person.email) > 0:
        return _person(name, "ok", f"{person.email} finds a Jira user")
    return _person(name, "fail", f"{person.email} finds no Jira user", fix)
