"""What a Jira site is like, read without writing anything: for ``pmsync doctor`` and for
the create path, which learns a project's create screen once per run.

Reads go through the ``JiraAdapter``'s session and retry policy (one counted request each);
the answers are turned into ``pmsync.core.domain.site`` values here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pmsync.adapters.jql import jql_quote
from pmsync.core.domain.site import CreateScreen, IssueTypeRef, ProjectInfo, ScreenField
from pmsync.errors import RemoteError

Reader = Callable[[str, str, Mapping[str, Any] | None], Any]
_PAGE = 50
_NOT_FOUND = 404


class JiraSite:
    def __init__(
        self, read: Reader, deployment: str, read_on_site: Callable[[str], Any] | None = None
    ) -> None:
        self._read = read
        self._deployment = deployment
        self._read_on_site = read_on_site

    def _get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self._read("GET", path, params)

    def _found(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """The answer, or None for a 404 (no such project, user, type)."""
        try:
            return self._get(path, params)
        except RemoteError as exc:
            if exc.status == _NOT_FOUND:
                return None
            raise

    def _pages(self, path: str, key: str) -> Iterator[dict[str, Any]]:
        """A createmeta listing: ``key`` on Cloud, ``values`` on Data Center."""
        start = 0
        while True:
            page = self._get(path, {"startAt": start, "maxResults": _PAGE}) or {}
            items = page.get(key, page.get("values", []))
            yield from items
            start += len(items)
            if not items or page.get("isLast") or start >= int(page.get("total", start)):
                return

    def whoami(self) -> dict[str, Any]:
        """The account pmsync's credentials stand for (``/myself``)."""
        answer: dict[str, Any] = self._get("/rest/api/2/myself") or {}
        return answer

    def cloud_id(self) -> str | None:
        """The Jira Cloud site's id, as the site itself tells it (``/_edge/tenant_info``,
        answered by the site even to a token it refuses); None when it does not say."""
        if self._read_on_site is None:
            return None
        try:
            answer = self._read_on_site("/_edge/tenant_info")
        except (RemoteError, ValueError):  # not a Cloud site, or not JSON
            return None
        cloud_id = answer.get("cloudId") if isinstance(answer, dict) else None
        return cloud_id if isinstance(cloud_id, str) and cloud_id else None

    def project(self, key: str) -> ProjectInfo | None:
        raw = self._found(f"/rest/api/2/project/{key}")
        if raw is None:
            return None
        style = raw.get("style") or ""
        simplified = bool(raw.get("simplified")) or style == "next-gen"
        return ProjectInfo(
            key=raw.get("key", key), name=raw.get("name", ""), team_managed=simplified
        )

    def issue_types(self, project: str) -> tuple[IssueTypeRef, ...]:
        """The issue types one may create in ``project`` (its own, when team-managed)."""
        path = f"/rest/api/2/issue/createmeta/{project}/issuetypes"
        return tuple(
            IssueTypeRef(id=str(t["id"]), name=t.get("name", ""))
            for t in self._pages(path, "issueTypes")
        )

    def create_screen(self, project: str, issue_type: str) -> CreateScreen | None:
        """The create screen of ``issue_type`` (by name, ignoring case) in ``project``;
        None when the project has no such type."""
        folded = issue_type.casefold()
        found = next((t for t in self.issue_types(project) if t.name.casefold() == folded), None)
        if found is None:
            return None
        path = f"/rest/api/2/issue/createmeta/{project}/issuetypes/{found.id}"
        fields = [_screen_field(raw) for raw in self._pages(path, "fields")]
        return CreateScreen(
            project=project, issue_type=found.name, fields={f.id: f for f in fields}
        )

    def _names(self, path: str, key: str | None = None) -> tuple[str, ...]:
        raw = self._get(path) or []
        items = raw.get(key, []) if key and isinstance(raw, dict) else raw
        return tuple(str(item.get("name", "")) for item in items if isinstance(item, dict))

    def priority_names(self) -> tuple[str, ...]:
        return self._names("/rest/api/2/priority")

    def resolution_names(self) -> tuple[str, ...]:
        return self._names("/rest/api/2/resolution")

    def link_type_names(self) -> tuple[str, ...]:
        return self._names("/rest/api/2/issueLinkType", "issueLinkTypes")

    def user_exists(self, account: str) -> bool:
        param = "accountId" if self._deployment == "cloud" else "username"
        return self._found("/rest/api/2/user", {param: account}) is not None

    def users_matching(self, query: str) -> int:
        param = "query" if self._deployment == "cloud" else "username"
        return len(self._get("/rest/api/2/user/search", {param: query}) or [])

    def some_ticket(self, project: str) -> str | None:
        """The key of the newest ticket of ``project``, to read its workflow's transitions."""
        jql = f"project = {jql_quote(project)} ORDER BY created DESC"
        params = {"jql": jql, "fields": "status", "maxResults": 1}
        path = "/rest/api/3/search/jql" if self._deployment == "cloud" else "/rest/api/2/search"
        issues = (self._get(path, params) or {}).get("issues") or []
        return str(issues[0]["key"]) if issues else None

    def transition_targets(self, key: str) -> tuple[tuple[str, str], ...]:
        """(status name, status category key) of each transition open to ``key``."""
        raw = self._get(f"/rest/api/2/issue/{key}/transitions") or {}
        return tuple(
            (str(to.get("name", "")), str((to.get("statusCategory") or {}).get("key", "")))
            for to in (t.get("to") or {} for t in raw.get("transitions", []))
        )


def _screen_field(raw: Mapping[str, Any]) -> ScreenField:
    allowed = tuple(
        str(v.get("name") or v.get("value") or v.get("id") or "")
        for v in raw.get("allowedValues") or ()
        if isinstance(v, dict)
    )
    return ScreenField(
        id=str(raw.get("fieldId") or raw.get("key") or ""),
        name=str(raw.get("name", "")),
        required=bool(raw.get("required")),
        has_default=bool(raw.get("hasDefaultValue")),
        operations=tuple(raw.get("operations") or ()),
        allowed=allowed,
        schema_type=str((raw.get("schema") or {}).get("type", "")),
    )
