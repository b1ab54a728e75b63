"""`pmsync sandbox serve`: run the local GitHub + Jira emulator until stopped.

It prints the five variables pmsync reads, one ``NAME=value`` line each, so a shell can
take them with ``eval "$(pmsync sandbox serve ... | head -5)"`` or a script can read them
from the first five lines.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from pmsync.config.loading import load_config
from pmsync.core.postmortem.form import form_for
from pmsync.entry.run import repositories

DEPLOYMENTS = ("cloud", "datacenter")
# The sandbox's Jira site profiles (pmsync_sandbox/jira/profiles.py, which a test keeps this
# list equal to); named here so that parsing the command line loads no sandbox code.
JIRA_PROFILES = ("default", "strict", "team-managed", "private-users", "datacenter")


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    parser = subparsers.add_parser(
        "sandbox",
        parents=[common],
        help="the local GitHub + Jira emulator (no network, no real accounts)",
        description="A local emulator of the GitHub and Jira REST endpoints pmsync uses; "
        "the real clients talk to it over HTTP. See docs/sandbox.md.",
    )
    actions = parser.add_subparsers(dest="sandbox_action", metavar="ACTION", required=True)
    serve = actions.add_parser(
        "serve",
        parents=[common],
        help="serve the sandbox until Ctrl-C or SIGTERM",
        description="Serve GitHub under /github, Jira under /jira and the test controls under "
        "/_sandbox on one port, and print GITHUB_API_URL, GITHUB_TOKEN, JIRA_URL, JIRA_EMAIL "
        "and JIRA_API_TOKEN (JIRA_TOKEN on a Data Center site), one NAME=value line each.",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    serve.add_argument(
        "--port", type=int, default=0, help="port to listen on (default: 0, a free port)"
    )
    serve.add_argument(
        "--state-file",
        metavar="PATH",
        type=Path,
        help="keep the sandbox's state in this JSON file, so it survives a restart",
    )
    serve.add_argument(
        "--jira-deployment",
        choices=DEPLOYMENTS,
        default=None,
        help="which Jira to emulate: cloud (the default) or datacenter "
        "(default: the one the --jira-profile needs)",
    )
    serve.add_argument(
        "--jira-profile",
        choices=JIRA_PROFILES,
        default="default",
        metavar="NAME",
        help="how the Jira site is configured: default, strict (no due date, a required "
        "field Team, priorities Blocker…Trivial), team-managed, private-users or datacenter "
        "(see docs/sandbox.md, 'Site profiles')",
    )
    serve.set_defaults(func=run_serve)
    opener = actions.add_parser(
        "open-issue",
        parents=[common],
        help="open a post-mortem issue on a running sandbox, as the issue form would",
        description="Open an issue with the body in FILE on a running sandbox (the one "
        "GITHUB_API_URL points at, or --sandbox), with the issue form's labels, and print its "
        "number; then `pmsync handle-event --issue NUMBER` handles it as an edit would.",
    )
    opener.add_argument("--file", required=True, type=Path, metavar="BODY.md", help="the body")
    opener.add_argument(
        "--as",
        dest="author",
        metavar="LOGIN",
        help="open it as this GitHub login (made a sandbox user with no role if new); "
        "default: the sandbox's own user, the repository's owner",
    )
    opener.add_argument("--title", default="Post-mortem", help="the issue title")
    opener.add_argument(
        "--repo", metavar="OWNER/NAME", help="default: the first configured repository"
    )
    opener.add_argument("--sandbox", metavar="URL", help="default: GITHUB_API_URL's origin")
    opener.set_defaults(func=run_open_issue)


def run_serve(args: argparse.Namespace) -> int:
    # The sandbox is loaded only now: no other command imports it (docs/architecture.md).
    from pmsync_sandbox.serve import serve_until_stopped

    return serve_until_stopped(
        host=args.host,
        port=args.port,
        deployment=args.jira_deployment,
        state_file=args.state_file,
        jira_profile=args.jira_profile,
    )


def run_open_issue(args: argparse.Namespace) -> int:
    from pmsync_sandbox.open_issue import open_issue, read_body, sandbox_origin

    config = load_config(args.config)
    repo = args.repo or repositories(None, config, doing="open an issue in")[0]
    origin = sandbox_origin(os.environ.get("GITHUB_API_URL"), args.sandbox)
    form = form_for(config.form, Path.cwd())
    opened = open_issue(origin, repo, args.title, read_body(args.file), form, args.author)
    print(f"opened {opened.repo}#{opened.number}: {opened.url}")
    print(f"next: pmsync handle-event --issue {opened.number} --repo {opened.repo}")
    return 0
