"""`pmsync handle-event`: react to one GitHub event (from a workflow) for one issue.

The event is only a hint of which issue to look at: the issue itself is read again from
the API, because a payload can be stale by the time the job runs. Handled: ``issues``
(opened, edited, reopened, labeled), ``repository_dispatch`` of type
``pmsync-ticket-changed`` (a Jira ticket changed status; its payload is validated in
dispatch_event.py) and ``issue_comment`` (created) whose comment is the
command ``/pmsync sync`` or ``/pmsync plan`` (the plan is shown, nothing else is written),
from a commenter with write access to the repository, asked of GitHub's permission
endpoint: the payload's ``author_association`` cannot say it (a private organisation
member shows as CONTRIBUTOR or NONE). Every command is answered on the post-mortem
(``pmsync.orchestration.command_reply``): 👀 when it is taken up, then its plan, what it
did, why it was refused, or the commands there are. Everything else is ignored with one
log line.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmsync.config.loading import load_config
from pmsync.config.schema import Config
from pmsync.core import command_answers
from pmsync.core.domain.model import ParseResult
from pmsync.core.domain.state import CommentState, IssueState, ObservedPostMortem
from pmsync.core.planning import repeats as repeats
from pmsync.core.postmortem.lost_edit import overwritten_edit
from pmsync.entry.commands import dispatch_event
from pmsync.entry.commands.options import add_run_options
from pmsync.entry.run import Run, repositories, start_run
from pmsync.errors import UsageError
from pmsync.orchestration import command_reply, reconcile

log = logging.getLogger(__name__)

ISSUE_ACTIONS = frozenset({"opened", "edited", "reopened", "labeled"})
SYNC_COMMAND = "/pmsync sync"
PLAN_COMMAND = "/pmsync plan"
COMMAND_PREFIX = "/pmsync"
COMMANDS = (
    (SYNC_COMMAND, "bring this post-mortem and its Jira tickets in step now"),
    (PLAN_COMMAND, "show here what a sync would change, changing nothing"),
)


@dataclass(frozen=True)
class Hint:
    """Which issue to reconcile, whether only to show the plan, and who asked by command."""

    repo: str
    number: int
    plan_only: bool = False
    commenter: str | None = None  # a slash command's author: obeyed only with write access
    event: str = "command"  # the issues action, or "command": decides the repeat search
    command: str | None = None  # the command as written, when it is one pmsync does not know
    # The command's comment, which a reply names in its marker (not what the hint asks).
    comment_id: int = field(default=0, compare=False)
    # An edit's body before and after (``changes.body.from``, ``issue.body``): what the
    # person saved, put back if pmsync's own write overwrote it (core.postmortem.lost_edit).
    edited: tuple[str, str] | None = field(default=None, compare=False)


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    parser = subparsers.add_parser(
        "handle-event",
        parents=[common],
        help="reconcile the post-mortem a GitHub event names (for workflows)",
        description="Read a GitHub Actions event and reconcile the issue it concerns.",
    )
    add_run_options(parser)
    parser.add_argument(
        "--event-name", metavar="NAME", help="event name (default: $GITHUB_EVENT_NAME)"
    )
    parser.add_argument(
        "--event-path", metavar="PATH", help="event payload file (default: $GITHUB_EVENT_PATH)"
    )
    parser.add_argument(
        "--repo",
        metavar="OWNER/NAME",
        help="repository (default: the payload's, else $GITHUB_REPOSITORY; with --issue, the "
        "first configured repository)",
    )
    parser.add_argument(
        "--issue",
        metavar="NUMBER",
        type=int,
        help="handle this issue as an edit of it would be, with no event payload (to try a "
        "post-mortem by hand, e.g. on the sandbox)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    if args.issue is not None:
        repo = args.repo or repositories(None, config, doing="handle an issue of")[0]
        hint: Hint | None = Hint(repo, args.issue, event="edited")
    else:
        hint = hint_from_workflow_event(args, config)
    if hint is None:
        return 0
    shown = Shown()
    session = start_run(
        args.settings,
        config,
        now=args.now,
        dry_run=args.dry_run or hint.plan_only,
        bot_login=args.bot_login,
        repository=hint.repo,
        redactor=args.redactor,
        show=shown,
    )
    return handle(hint, session, config, reply=not args.dry_run, shown=shown)


@dataclass
class Shown:
    """Where a dry run's plan goes: the log, and kept for the answer to ``/pmsync plan``."""

    texts: list[str] = field(default_factory=list)

    def __call__(self, text: str) -> None:
        self.texts.append(text)
        print(text)


def hint_from_workflow_event(args: argparse.Namespace, config: Config) -> Hint | None:
    name = args.event_name or os.environ.get("GITHUB_EVENT_NAME", "")
    path = args.event_path or os.environ.get("GITHUB_EVENT_PATH", "")
    if not name or not path:
        raise UsageError(
            "no event to handle: run inside GitHub Actions (GITHUB_EVENT_NAME and "
            "GITHUB_EVENT_PATH), pass --event-name and --event-path, or name the issue "
            "with --issue NUMBER"
        )
    return hint_from_event(name, read_payload(Path(path)), config, args.repo)


def handle(
    hint: Hint, session: Run, config: Config, *, reply: bool = True, shown: Shown | None = None
) -> int:
    """Reconcile the issue ``hint`` names in a started run; the command's exit code. A
    command is answered on the post-mortem (👀, then its plan, what it did, or why it was
    not run) unless ``reply`` is False; ``shown`` holds the plan a dry run showed."""
    github = session.context.github
    if hint.commenter is not None and (
        hint.command is not None or not session.context.trust.may_write(hint.repo, hint.commenter)
    ):
        answered = _answer_unrun(hint, hint.commenter, session, config) if reply else "not answered"
        log.info("a command from %s on %s#%d: %s", hint.commenter, hint.repo, hint.number, answered)
        return 0
    issue = github.issue(hint.repo, hint.number)
    if not issue.has_label(config.labels.postmortem):
        log.info("%s has no %r label; ignored", issue.ref, config.labels.postmortem)
        return 0
    answering = reply and hint.commenter is not None
    if answering:
        command_reply.acknowledge(github, hint.repo, hint.number, hint.comment_id)

    if hint.edited is not None and not session.context.dry_run:
        issue = _restore_overwritten_edit(hint, hint.edited, session)

    def check_repeats(
        issue: IssueState, parsed: ParseResult, bot_comments: Sequence[CommentState]
    ) -> bool:
        return repeats.should_check(hint.event, issue, parsed, config, bot_comments)

    # A run that ended in step hands over pmsync's comments as they now are: the reply is
    # looked for there instead of reading them again.
    ended: list[ObservedPostMortem] = []
    reconcile.reconcile_all(
        [issue], session.context, session.record, settled=ended.append, check_repeats=check_repeats
    )
    if answering and hint.commenter is not None:
        known = ended[0].bot_comments if ended else None
        answered = _answer_run(hint, hint.commenter, session, shown or Shown(), known)
        log.info("%s from %s on %s: %s", _written(hint), hint.commenter, issue.ref, answered)
    return session.finish()


def _answer_run(
    hint: Hint,
    login: str,
    session: Run,
    shown: Shown,
    known: Sequence[CommentState] | None = None,
) -> str:
    """Reply to a command that ran: the plan it showed, or what it did. A sync run again
    that did nothing keeps the reply saying what the first run did."""
    command = _written(hint)
    if hint.plan_only:
        plan = session.redactor.redact("\n".join(shown.texts))

        def answer(marker: str) -> str:
            return command_answers.planned(marker, login, command, plan)

        replace = True
    else:
        summary, failures = session.record.summary, session.record.failures
        lines = summary.lines() if summary.outcomes else []
        if not summary.failed:  # else the lines name what failed already
            lines += [f"failed: {failure}" for failure in failures]
        masked = [session.redactor.redact(line) for line in lines]

        def answer(marker: str) -> str:
            return command_answers.done(marker, login, command, masked)

        # A job run again that found all in place keeps the answer of the run that did it.
        replace = bool(failures) or any(o.status != "in_place" for o in summary.outcomes)
    github = session.context.github
    return command_reply.reply(
        github, hint.repo, hint.number, hint.comment_id, answer, replace=replace, known=known
    )


def _restore_overwritten_edit(hint: Hint, edited: tuple[str, str], session: Run) -> IssueState:
    """The issue, with the edit this event reports put back if pmsync's filling of the
    Ticket column overwrote it (read again just before writing)."""
    context = session.context
    before, after = edited

    def restored(current: str) -> str:
        return overwritten_edit(current, before, after, context.form) or current

    issue, written = context.github.rewrite_body(hint.repo, hint.number, restored)
    if written:
        log.warning("%s: an edit pmsync's own write had overwritten is put back", issue.ref)
    return issue


def _answer_unrun(hint: Hint, login: str, session: Run, config: Config) -> str:
    """Reply to a command that is not run, on a post-mortem only; what was done, for the log."""
    github = session.context.github
    issue = github.issue(hint.repo, hint.number)
    if not issue.has_label(config.labels.postmortem):
        return f"not a post-mortem (no {config.labels.postmortem!r} label); ignored"
    if hint.command is not None:
        unknown = hint.command

        def answer(marker: str) -> str:
            return command_answers.unknown(marker, login, unknown, COMMANDS)

        done = "unknown; answered with the list of commands"
    else:
        permission = session.context.trust.permission(hint.repo, login)

        def answer(marker: str) -> str:
            return command_answers.refused(marker, login, _written(hint), permission)

        done = f"refused ({permission} access)"
    answered = command_reply.reply(github, hint.repo, hint.number, hint.comment_id, answer)
    return f"{done}; {answered}"


def _written(hint: Hint) -> str:
    return PLAN_COMMAND if hint.plan_only else SYNC_COMMAND


def read_payload(path: Path) -> dict[str, Any]:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(
            f"cannot read the event payload {path}: {exc.strerror or exc}; "
            "--event-path (or GITHUB_EVENT_PATH) must name the event's JSON file"
        ) from exc
    except ValueError as exc:
        raise UsageError(f"the event payload {path} is not JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise UsageError(f"the event payload {path} is not a JSON object")
    return payload


def hint_from_event(
    name: str, payload: dict[str, Any], config: Config, repo_given: str | None = None
) -> Hint | None:
    """The issue an event asks pmsync to look at, or None (logged) when it asks nothing."""
    if name == dispatch_event.EVENT_NAME:
        return _dispatch_hint(payload, config, repo_given)
    action = payload.get("action")
    issue = payload.get("issue")
    if not isinstance(issue, dict) or not isinstance(issue.get("number"), int):
        log.info("%s event without an issue; ignored", name)
        return None
    repo = _repository(payload, repo_given)
    if name == "issues":
        if action not in ISSUE_ACTIONS:
            log.info("issues.%s is not handled; ignored", action)
            return None
        before = ((payload.get("changes") or {}).get("body") or {}).get("from")
        after = issue.get("body") or ""
        edited = (before, after) if isinstance(before, str) and isinstance(after, str) else None
        return Hint(repo, issue["number"], event=str(action), edited=edited)
    if name == "issue_comment":
        return _comment_hint(action, payload, issue, repo)
    log.info("%s events are not handled; ignored", name)
    return None


def _comment_hint(
    action: Any, payload: dict[str, Any], issue: dict[str, Any], repo: str
) -> Hint | None:
    comment = payload.get("comment") or {}
    text = str(comment.get("body") or "")
    command = slash_command(text)
    unknown = None if command is not None else unknown_command(text)
    if action != "created" or (command is None and unknown is None):
        log.info("issue_comment.%s holds no pmsync command; ignored", action)
        return None
    if issue.get("pull_request"):
        log.info("%s on a pull request; ignored", command or unknown)
        return None
    login = (comment.get("user") or {}).get("login")
    if not isinstance(login, str) or not login:
        log.info("%s from no one the payload names; ignored", command or unknown)
        return None
    if (comment.get("user") or {}).get("type") == "Bot":
        # A bot's comment (pmsync's own replies among them) is never a command.
        log.info("%s from the bot %s; ignored", command or unknown, login)
        return None
    # Whatever ``author_association`` says, write access is asked of GitHub (ADR 7).
    comment_id = comment.get("id")
    return Hint(
        repo,
        issue["number"],
        plan_only=command == PLAN_COMMAND,
        commenter=login,
        command=unknown,
        comment_id=comment_id if isinstance(comment_id, int) else 0,
    )


def _dispatch_hint(payload: dict[str, Any], config: Config, repo_given: str | None) -> Hint:
    """A Jira ticket changed status: sync the post-mortem the dispatch names (validated)."""
    own = _repository(payload, repo_given)
    repo, number = dispatch_event.dispatched_issue(payload, own, config.github.repositories)
    log.info("a Jira ticket of %s#%d changed; syncing that post-mortem", repo, number)
    return Hint(repo, number, event="dispatch")


def slash_command(body: str) -> str | None:
    """The pmsync command a comment consists of: its first non-empty line, exactly."""
    for line in body.splitlines():
        if line.strip():
            text = " ".join(line.split())
            return text if text in (SYNC_COMMAND, PLAN_COMMAND) else None
    return None


def unknown_command(body: str) -> str | None:
    """A first line that calls on pmsync (``/pmsync`` and a word) but is no command it knows."""
    for line in body.splitlines():
        if line.strip():
            text = " ".join(line.split())
            head = text.split(" ", 1)[0]
            if head.casefold() == COMMAND_PREFIX and text not in (SYNC_COMMAND, PLAN_COMMAND):
                return text[:80]
            return None
    return None


def _repository(payload: dict[str, Any], given: str | None) -> str:
    """``--repo``, else the payload's repository, else the workflow's."""
    repository = payload.get("repository")
    full_name = repository.get("full_name") if isinstance(repository, dict) else None
    repo = given or full_name or os.environ.get("GITHUB_REPOSITORY")
    if not isinstance(repo, str) or "/" not in repo:
        raise UsageError(
            "the event names no repository: pass --repo OWNER/NAME or set GITHUB_REPOSITORY"
        )
    return repo
