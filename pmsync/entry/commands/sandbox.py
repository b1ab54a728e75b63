"""`pmsync sandbox serve`: run the local GitHub + Jira emulator until stopped.

It prints the five variables pmsync reads, one ``NAME=value`` line each, so a shell can
take them with ``eval "$(pmsync sandbox serve ... | head -5)"`` or a script can read them
from the first five lines.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
from pathlib import Path
from typing import Any

from pmsync.config.loading import load_config
from pmsync.config.schema import Config
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
    _where(opener)
    opener.set_defaults(func=run_open_issue)
    editor = actions.add_parser(
        "edit-issue",
        parents=[common],
        help="replace an issue's body on a running sandbox, as its author would",
        description="Replace the body of issue NUMBER with the one in FILE, as LOGIN, the "
        "way a person edits an issue on GitHub; then `pmsync handle-event --issue NUMBER`.",
    )
    editor.add_argument("--issue", required=True, type=int, metavar="NUMBER")
    editor.add_argument("--file", required=True, type=Path, metavar="BODY.md", help="the body")
    _person(editor, "edit")
    _where(editor)
    editor.set_defaults(func=run_edit_issue)
    commenter = actions.add_parser(
        "comment",
        parents=[common],
        help="comment on an issue on a running sandbox and write the event GitHub would send",
        description="Post TEXT as a comment on issue NUMBER as LOGIN, and write the "
        "issue_comment event GitHub would send for it to a file, so `pmsync handle-event "
        "--event-name issue_comment --event-path FILE` answers a slash command such as "
        "`/pmsync plan` as the workflow would.",
    )
    commenter.add_argument("--issue", required=True, type=int, metavar="NUMBER")
    commenter.add_argument("text", metavar="TEXT", help="the comment, e.g. '/pmsync plan'")
    _event_file(commenter, "issue_comment")
    _person(commenter, "comment")
    _where(commenter)
    commenter.set_defaults(func=run_comment)
    mover = actions.add_parser(
        "move-ticket",
        parents=[common],
        help="move a Jira ticket on a running sandbox, as a person would",
        description="Move ticket KEY on the sandbox's Jira with the transition named STATUS "
        "(or the one leading to the status of that name): Done, Won't Do, In Progress, "
        "To Do. Then `pmsync sync` shows it on the post-mortem.",
    )
    mover.add_argument("key", metavar="KEY", help="the ticket, e.g. OPS-1")
    mover.add_argument("--to", required=True, metavar="STATUS", help='e.g. "Done"')
    mover.add_argument(
        "--dispatch",
        action="store_true",
        help="then do what the Jira automation rule of docs/jira-site.md does (a repository "
        "dispatch naming the post-mortem) and write the event for handle-event",
    )
    _event_file(mover, "repository_dispatch", "with --dispatch: ")
    _where(mover)
    mover.set_defaults(func=run_move_ticket)


def _person(parser: argparse.ArgumentParser, doing: str) -> None:
    parser.add_argument(
        "--as",
        dest="author",
        metavar="LOGIN",
        help=f"{doing} as this GitHub login (made a sandbox user with no role if new); "
        "default: the sandbox's own user, the repository's owner",
    )


def _event_file(parser: argparse.ArgumentParser, event: str, when: str = "") -> None:
    parser.add_argument(
        "--event-path",
        type=Path,
        default=Path(f"{event}.json"),
        metavar="FILE",
        help=f"{when}where to write the event (default: {event}.json)",
    )


def _where(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--repo", metavar="OWNER/NAME", help="default: the first configured repository"
    )
    parser.add_argument("--sandbox", metavar="URL", help="default: GITHUB_API_URL's origin")


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
    from pmsync_sandbox.open_issue import open_issue, read_body

    config = load_config(args.config)
    repo = _repo(args, "open an issue in", config)
    origin = _origin(args)
    form = form_for(config.form, Path.cwd())
    opened = open_issue(origin, repo, args.title, read_body(args.file), form, args.author)
    print(f"opened {opened.repo}#{opened.number}: {opened.url}")
    _next_handle(args, origin, repo, opened.number)
    return 0


def run_edit_issue(args: argparse.Namespace) -> int:
    from pmsync_sandbox.acting import edit_issue
    from pmsync_sandbox.open_issue import read_body

    repo = _repo(args, "edit an issue in")
    origin = _origin(args)
    url = edit_issue(origin, repo, args.issue, read_body(args.file), args.author)
    print(f"edited {repo}#{args.issue}: {url}")
    _next_handle(args, origin, repo, args.issue)
    return 0


def run_comment(args: argparse.Namespace) -> int:
    from pmsync_sandbox.acting import comment

    repo = _repo(args, "comment in")
    origin = _origin(args)
    event = comment(origin, repo, args.issue, args.text, args.author)
    print(f"commented on {repo}#{args.issue}: {event['comment']['html_url']}")
    _next_event(args, origin, "issue_comment", event)
    return 0


def run_move_ticket(args: argparse.Namespace) -> int:
    from pmsync_sandbox.acting import move_ticket, send_dispatch

    origin = _origin(args)
    said, moved = move_ticket(origin, args.key, args.to)
    print(said)
    if not (args.dispatch and moved):  # the rule fires on a transition only
        print(f"next: {_pmsync(args, origin)} sync")
        return 0
    repo = _repo(args, "send the dispatch to")
    event = send_dispatch(origin, args.key, repo)
    payload = json.dumps(event["client_payload"])
    print(f"Jira's automation rule sent {repo} a repository dispatch: {payload}")
    _next_event(args, origin, "repository_dispatch", event)
    return 0


def _repo(args: argparse.Namespace, doing: str, config: Config | None = None) -> str:
    """``--repo``, else the first configured repository (an error saying what to give)."""
    found = config if config is not None else load_config(args.config)
    return str(args.repo or repositories(None, found, doing=doing)[0])


def _next_handle(args: argparse.Namespace, origin: str, repo: str, number: int) -> None:
    """The command that shows what pmsync does with the issue just opened or edited."""
    print(f"next: {_pmsync(args, origin)} handle-event --issue {number} --repo {repo}")


def _next_event(args: argparse.Namespace, origin: str, name: str, event: dict[str, Any]) -> None:
    """Write ``event`` where ``--event-path`` says and print the run the workflow makes of it."""
    from pmsync_sandbox.acting import write_event

    write_event(args.event_path, event)
    print(f"wrote the {name} event to {args.event_path}")
    print(
        f"next: {_pmsync(args, origin)} handle-event --event-name {name} "
        f"--event-path {args.event_path}"
    )


def _origin(args: argparse.Namespace) -> str:
    from pmsync_sandbox.open_issue import sandbox_origin

    return sandbox_origin(os.environ.get("GITHUB_API_URL"), args.sandbox)


def _pmsync(args: argparse.Namespace, origin: str) -> str:
    """``pmsync`` with the ``--config`` it was given and, when the sandbox's clock stands
    still (the demo's does), its time as ``--now``, so the next command sees what it sees."""
    from pmsync_sandbox.acting import frozen_now

    words = ["pmsync"]
    if args.config:
        words += ["--config", shlex.quote(str(args.config))]
    now = frozen_now(origin)
    if now:
        words += ["--now", now]
    return " ".join(words)
