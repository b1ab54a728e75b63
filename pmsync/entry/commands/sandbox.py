"""`pmsync sandbox serve`: run the local GitHub + Jira emulator until stopped.

It prints the five variables pmsync reads, one ``NAME=value`` line each, so a shell can
take them with ``eval "$(pmsync sandbox serve ... | head -5)"`` or a script can read them
from the first five lines.
"""

from __future__ import annotations

import argparse
from pathlib import Path

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
        "and JIRA_API_TOKEN, one NAME=value line each.",
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
