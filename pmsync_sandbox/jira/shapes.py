"""How the emulated Jira answers look on the wire: the pieces every answer shares (the
``View``, timestamps, avatars, rich text), users and the server's own information; the
site's metadata is in ``meta_shapes.py`` and issues with their comments and links in
``issue_shapes.py``.

Shapes follow real Jira answers (see /work/shared/realdata/jira-responses and the Cloud
OpenAPI description): the same keys, the same types, ``self`` URLs that point back at the
sandbox, timestamps as ``2026-11-20T14:02:00.000+0000``. Cloud and Data Center differ in
how users are named (``accountId`` against ``name``/``key``); ``View`` carries that choice,
the REST version (2: wiki-markup text, 3: documents) and the base URL.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from pmsync_sandbox.jira import adf
from pmsync_sandbox.jira.store import JiraStore, JiraUser, RichText

Json = dict[str, Any]


@dataclass(frozen=True)
class View:
    base_url: str  # e.g. http://127.0.0.1:8123/jira
    version: str  # "2" or "3"
    cloud: bool
    # Cloud hides a user's e-mail address from an account without "Browse users and groups"
    # (and by the user's privacy settings): the key is then absent.
    emails_hidden: bool = False

    def api(self, path: str) -> str:
        return f"{self.base_url}/rest/api/{self.version}/{path}"

    def site(self, path: str) -> str:
        return f"{self.base_url}/{path}"


def timestamp(moment: datetime) -> str:
    """Jira's timestamp format: milliseconds and a numeric zone, e.g. ...00.000+0000."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"


def optional_timestamp(moment: datetime | None) -> str | None:
    return timestamp(moment) if moment is not None else None


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def avatar_urls(view: View, kind: str, owner: str) -> dict[str, str]:
    sizes = (("48x48", ""), ("24x24", "small"), ("16x16", "xsmall"), ("32x32", "medium"))
    urls = {}
    for label, size in sizes:
        query = f"?size={size}&" if size else "?"
        urls[label] = view.site(f"secure/{kind}avatar{query}ownerId={owner}")
    return urls


def rich_text(view: View, text: RichText | None) -> Any:
    """A description or comment body in the form the REST version speaks."""
    if text is None:
        return None
    if view.version == "2":
        return text.wiki
    return text.adf if text.adf is not None else adf.from_wiki(text.wiki)


# ---- users and the server ---------------------------------------------------------------


def user(view: View, person: JiraUser) -> Json:
    if view.cloud:
        answer: Json = {
            "self": view.api(f"user?accountId={person.account_id}"),
            "accountId": person.account_id,
            "emailAddress": person.email,
            "avatarUrls": avatar_urls(view, "user", person.account_id),
            "displayName": person.display_name,
            "active": person.active,
            "timeZone": "Etc/UTC",
            "accountType": "atlassian",
        }
        if view.emails_hidden:
            del answer["emailAddress"]
        return answer
    return {
        "self": view.api(f"user?username={person.name}"),
        "name": person.name,
        "key": person.name,
        "emailAddress": person.email,
        "avatarUrls": avatar_urls(view, "user", person.name),
        "displayName": person.display_name,
        "active": person.active,
        "timeZone": "Etc/UTC",
    }


def myself(view: View, person: JiraUser) -> Json:
    answer = user(replace(view, emails_hidden=False), person)  # one's own is never hidden
    answer["locale"] = "en_US"
    answer["groups"] = {"size": 1, "items": []}
    answer["applicationRoles"] = {"size": 1, "items": []}
    answer["expand"] = "groups,applicationRoles"
    return answer


def optional_user(view: View, store: JiraStore, account_id: str | None) -> Json | None:
    person = store.user(account_id) if account_id is not None else None
    return user(view, person) if person is not None else None


def server_info(view: View, now: datetime, *, cloud: bool) -> Json:
    if cloud:
        version, numbers, build, deployment = "1001.0.0-SNAPSHOT", [1001, 0, 0], 100289, "Cloud"
    else:
        version, numbers, build, deployment = "9.12.15", [9, 12, 15], 9120015, "Server"
    return {
        "baseUrl": view.base_url,
        "version": version,
        "versionNumbers": numbers,
        "deploymentType": deployment,
        "buildNumber": build,
        "buildDate": "2026-01-01T00:00:00.000+0000",
        "serverTime": timestamp(now),
        "scmInfo": "0f4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f",
        "serverTitle": "Jira",
        "defaultLocale": {"locale": "en_US"},
        "serverTimeZone": "Etc/UTC",
    }
