"""Setting up a run (clients, config, form) and closing it with a summary: where the
concrete adapters are built and handed to orchestration as its ports.

The commands and the end-to-end tests start a run the same way: settings and config in,
adapters sharing one request log out. Nothing here is global.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pmsync.adapters import github_answers, jira_answers
from pmsync.adapters.github import GitHubAdapter
from pmsync.adapters.jira import JiraAdapter
from pmsync.adapters.retry import Classifier, Remote, RequestLog, RetryPolicy
from pmsync.config.redact import Redactor
from pmsync.config.schema import Config
from pmsync.config.settings import JiraCloudAuth, Settings
from pmsync.core.postmortem.form import find_form, load_form
from pmsync.core.report.contents import Period
from pmsync.entry import workflow_step as actions_env
from pmsync.entry.job_summary import JobSummary, Totals, problems, worth_a_section
from pmsync.errors import UsageError
from pmsync.orchestration.apply import RunSummary
from pmsync.orchestration.journal import Reconciled
from pmsync.orchestration.reconcile import RunContext, RunRecord
from pmsync.orchestration.report.produce import ReportRun, produce, require_one_month

log = logging.getLogger(__name__)

# Set in a workflow when pmsync posts as another login than the one its token names.
BOT_LOGIN_VARIABLE = "PMSYNC_BOT_LOGIN"
# The workflow's own ``github.token`` (set by action.yml): a GITHUB_TOKEN equal to it posts
# as the Actions bot; another installation token (an App's) must be named by the above.
WORKFLOW_TOKEN_VARIABLE = "PMSYNC_WORKFLOW_TOKEN"  # noqa: S105 - a variable name


@dataclass
class Run:
    """One run: what it is given (``context``), what it records (``record``, whose
    listener is this run's ``heard``), its requests, and the job summary it writes."""

    context: RunContext
    requests: RequestLog
    # Failures quote what the services answered, and an answer may quote a credential.
    redactor: Redactor = field(default_factory=Redactor)
    reconciled: list[Reconciled] = field(default_factory=list, init=False)
    job_summary: JobSummary = field(init=False)
    record: RunRecord = field(init=False)

    def __post_init__(self) -> None:
        self.job_summary = JobSummary(dry_run=self.context.dry_run, redactor=self.redactor)
        self.record = RunRecord(listener=self.heard)

    @property
    def warnings(self) -> list[str]:
        """What the run could not do but that fails nothing (a refused repeat search)."""
        return [
            *self.context.repeats.warnings,
            *self.context.shipped.warnings,
            *self.context.screens.warnings,
        ]

    def heard(self, reconciled: Reconciled) -> None:
        """A post-mortem the run is done with: its failures where people look, its section
        of the job summary."""
        self.reconciled.append(reconciled)
        if actions_env.in_github_actions():
            # Outside Actions the closing "failed:" lines and the log say it already.
            for problem in problems(reconciled):
                actions_env.report_problem(
                    "error",
                    self.redactor.shortened(problem),
                    title=f"pmsync: {reconciled.issue.ref}",
                )
        self.job_summary.postmortem(reconciled)

    def finish(self) -> int:
        """Print what was done and how many requests it took; 1 if anything failed."""
        summary = self.record.summary
        dry = self.context.dry_run
        lines = summary_lines(summary, dry_run=dry)
        lines.append(f"requests: {self.requests.summary()}")
        if self.record.stopped is not None:
            # A partial run is no failure: the next one goes on from here.
            lines.append(
                f"stopped: {self.record.stopped}; {self.record.left} post-mortem(s) left for "
                "the next run"
            )
        lines += [f"failed: {failure}" for failure in self.record.failures]
        text = self.redactor.redact("\n".join(lines))
        print(actions_env.neutralise_commands(text))
        for warning in self.warnings:
            actions_env.report_problem("warning", self.redactor.redact(warning), title="pmsync")
        actions_env.write_run_outputs(
            tickets_created=0 if dry else summary.tickets_created,
            comments_written=0 if dry else summary.comments_written,
        )
        self.job_summary.totals(self.totals())
        return 1 if self.record.failures or summary.failed else 0

    def totals(self) -> Totals:
        summary = self.record.summary
        counts = summary_lines(summary, dry_run=self.context.dry_run, failures=False)
        return Totals(
            counts=tuple(counts),
            postmortems=len(self.reconciled),
            unchanged=sum(1 for r in self.reconciled if not worth_a_section(r)),
            failed=sum(1 for r in self.reconciled if problems(r)),
            requests=self.requests.summary(),
            warnings=tuple(self.redactor.redact(warning) for warning in self.warnings),
        )


def summary_lines(summary: RunSummary, *, dry_run: bool, failures: bool = True) -> list[str]:
    """``done: …``, ``already in place: …`` for a run; for a dry run, whose applier only
    simulates (every change "done"), ``would do: 2 comments written, …``. Without
    ``failures``, the lines of refused changes are left out (and a run that did nothing
    else has no line)."""
    lines = summary.lines(failures=failures)
    if not dry_run:
        return lines
    return [f"would do: {line.removeprefix('done: ')}" for line in lines]


@dataclass(frozen=True)
class Clients:
    """GitHub and Jira for one run, with the request log they share and the masks for what
    the run prints. Orchestration gets them as its ports (``pmsync.orchestration.ports``);
    handing them over is where mypy checks that the adapters give what it asks."""

    github: GitHubAdapter
    jira: JiraAdapter
    requests: RequestLog
    redactor: Redactor


def connect(
    settings: Settings,
    config: Config,
    *,
    bot_login: str | None = None,
    requests: RequestLog | None = None,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    repository: str | None = None,
    redactor: Redactor | None = None,
) -> Clients:
    """Clients for GitHub and Jira, checked settings first.

    A GitHub App acts through its installation on ``repository`` (the first one the run
    looks at); the token minted for it is added to ``redactor`` before any use. Without a
    redactor the run masks the settings' own secrets in what it prints."""
    github_auth = settings.require_github(config.github)
    jira_auth = settings.require_jira(config.jira)
    request_log = requests if requests is not None else RequestLog()
    masks = redactor if redactor is not None else Redactor(settings.secret_values())

    workflow_token = os.environ.get(WORKFLOW_TOKEN_VARIABLE) or None
    if workflow_token:
        masks.add(workflow_token)

    def remote(service: str, classify: Classifier) -> Remote:
        return Remote(service, classify, policy=policy, log=request_log, sleep=sleep)

    github = GitHubAdapter.connect(
        github_auth,
        remote=remote("github", github_answers.classify),
        throttle=config.github.throttle,
        identity=bot_login or os.environ.get(BOT_LOGIN_VARIABLE) or None,
        repository=repository,
        on_token=masks.add,
        workflow_token=workflow_token,
    )
    if isinstance(jira_auth, JiraCloudAuth):
        token, email = jira_auth.api_token.get_secret_value(), jira_auth.email
    else:
        token, email = jira_auth.token.get_secret_value(), None
    jira = JiraAdapter.connect(
        jira_auth.url,
        token,
        email=email,
        deployment=config.jira.deployment,
        remote=remote("jira", jira_answers.classify),
        api_url=jira_auth.api_url,
    )
    return Clients(github, jira, request_log, masks)


def start_run(
    settings: Settings,
    config: Config,
    *,
    now: datetime,
    dry_run: bool = False,
    bot_login: str | None = None,
    requests: RequestLog | None = None,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    show: Callable[[str], None] = print,
    root: Path | None = None,
    repository: str | None = None,
    redactor: Redactor | None = None,
    max_minutes: float | None = None,
) -> Run:
    """Clients for GitHub and Jira (``connect``), the form, and what the run is given;
    with ``max_minutes``, the run stops between post-mortems once that much time passed."""
    clients = connect(
        settings,
        config,
        bot_login=bot_login,
        requests=requests,
        policy=policy,
        sleep=sleep,
        repository=repository,
        redactor=redactor,
    )
    form = load_form(find_form(config.form, root or Path.cwd()))
    context = RunContext(
        clients.github,
        clients.jira,
        config,
        form,
        now,
        dry_run,
        show,
        clients.redactor.redact,
        _timer(max_minutes),
    )
    return Run(context, clients.requests, clients.redactor)


def _timer(max_minutes: float | None) -> Callable[[], bool]:
    """Whether ``max_minutes`` have passed since now (never, without a limit)."""
    if max_minutes is None:
        return lambda: False
    deadline = time.monotonic() + max_minutes * 60
    return lambda: time.monotonic() >= deadline


def produce_report(
    settings: Settings,
    config: Config,
    *,
    now: datetime,
    repos: Sequence[str],
    period: Period,
    publish_digest: bool = False,
    dry_run: bool = False,
    requests: RequestLog | None = None,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    root: Path | None = None,
    redactor: Redactor | None = None,
) -> ReportRun:
    """``pmsync report`` and the worker's report job: clients (a GitHub App acting through
    its installation on the first repository), the form, then read, compute and publish
    (``pmsync.orchestration.report.produce``). ``requests`` counts what it took."""
    if publish_digest:
        require_one_month(period)  # before any request
    clients = connect(
        settings,
        config,
        requests=requests,
        policy=policy,
        sleep=sleep,
        repository=repos[0],
        redactor=redactor,
    )
    form = load_form(find_form(config.form, root or Path.cwd()))
    done = produce(
        clients.github,
        clients.jira,
        config,
        form,
        now=now,
        repos=repos,
        period=period,
        publish_digest=publish_digest,
        dry_run=dry_run,
    )
    log.info("report: requests: %s", clients.requests.summary())
    return done


def repositories(given: list[str] | None, config: Config, *, doing: str = "sync") -> list[str]:
    """``--repo`` values, else the configured repositories, else the workflow's own; with
    none, an error saying what the command (``doing``: "sync", "report on") had to do."""
    repos = given or config.github.repositories or _workflow_repository()
    if not repos:
        raise UsageError(
            f"no repository to {doing}: pass --repo OWNER/NAME, list github.repositories in "
            "the configuration, or run inside GitHub Actions (GITHUB_REPOSITORY)"
        )
    for repo in repos:
        owner, _, name = repo.partition("/")
        if not owner or not name or "/" in name:
            raise UsageError(f"--repo {repo!r} is not of the form OWNER/NAME")
    return repos


def _workflow_repository() -> list[str]:
    repo = os.environ.get("GITHUB_REPOSITORY", "").strip()
    return [repo] if repo else []
