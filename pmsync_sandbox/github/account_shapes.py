"""The GitHub REST representations of accounts: users, organisations and Apps' bots, the
App behind ``performed_via_github_app``, and the authenticated user.

URLs point back at the sandbox: ``api`` is the API root (``http://127.0.0.1:8123/github``)
and ``web`` the site root that ``html_url`` links use (``http://127.0.0.1:8123``), the way
GitHub Enterprise serves ``https://host/api/v3`` beside ``https://host/``.
"""

from __future__ import annotations

from dataclasses import dataclass

from pmsync_sandbox.github.records import Account
from pmsync_sandbox.github.shapes import JSON, node_id
from pmsync_sandbox.github.store import GithubStore

SEED_OWNER = "alice"  # who owns the Apps the sandbox installs


@dataclass(frozen=True)
class AccountShapes:
    store: GithubStore
    api: str
    web: str

    def user(self, login: str) -> JSON:
        account = self.store.account(login)
        if account is None:  # a login that was deleted or never added: GitHub's "ghost"
            account = Account(10137, "ghost", "User", None, None, None, "2008-05-13T06:14:25Z")
        return self._simple_user(account)

    def _simple_user(self, account: Account) -> JSON:
        base = f"{self.api}/users/{account.login}"
        return {
            "login": account.login,
            "id": account.id,
            "node_id": node_id("U" if account.type == "User" else "O", account.id),
            "avatar_url": f"https://avatars.githubusercontent.com/u/{account.id}?v=4",
            "gravatar_id": "",
            "url": base,
            "html_url": f"{self.web}/{account.login}",
            "followers_url": f"{base}/followers",
            "following_url": f"{base}/following{{/other_user}}",
            "gists_url": f"{base}/gists{{/gist_id}}",
            "starred_url": f"{base}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{base}/subscriptions",
            "organizations_url": f"{base}/orgs",
            "repos_url": f"{base}/repos",
            "events_url": f"{base}/events{{/privacy}}",
            "received_events_url": f"{base}/received_events",
            "type": account.type,
            "user_view_type": "public",
            "site_admin": False,
        }

    def app_of(self, login: str) -> JSON | None:
        """``performed_via_github_app`` for what ``login`` did: the App (GitHub's
        ``integration`` schema) when an installation token did it, else None."""
        account = self.store.account(login)
        if account is None or account.app is None:
            return None
        slug = account.app
        owner = self.store.account(SEED_OWNER) or account
        return {
            "id": account.id,
            "slug": slug,
            "node_id": node_id("A", account.id),
            "client_id": f"Iv1.{account.id:016x}",
            "owner": self._simple_user(owner),
            "name": slug,
            "description": None,
            "external_url": f"{self.web}/apps/{slug}",
            "html_url": f"{self.web}/apps/{slug}",
            "created_at": account.created_at,
            "updated_at": account.created_at,
            "permissions": {"issues": "write", "metadata": "read"},
            "events": ["issues", "issue_comment"],
        }

    def public_user(self, account: Account) -> JSON:
        owned = [r for r in self.store.repos.values() if r.owner.lower() == account.login.lower()]
        return {
            **self._simple_user(account),
            "name": account.name,
            "company": None,
            "blog": "",
            "location": None,
            "email": account.email,
            "hireable": None,
            "bio": None,
            "twitter_username": None,
            "public_repos": len(owned),
            "public_gists": 0,
            "followers": 0,
            "following": 0,
            "created_at": account.created_at,
            "updated_at": account.created_at,
        }

    def private_user(self, account: Account) -> JSON:
        return {
            **self.public_user(account),
            "notification_email": account.email,
            "private_gists": 0,
            "total_private_repos": 0,
            "owned_private_repos": 0,
            "disk_usage": 0,
            "collaborators": 0,
            "two_factor_authentication": True,
            "plan": {
                "name": "free",
                "space": 976562499,
                "collaborators": 0,
                "private_repos": 10000,
            },
        }
