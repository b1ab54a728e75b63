"""One comment per marker: a second copy that two overlapping runs left (ADR 3) is deleted.

The planner keeps the oldest comment of each marker, the one every other step reads and
edits (``markers.find_comment``), and plans a ``DeleteComment`` for each later copy; a
rerun then plans nothing. Only pmsync's own comments are ever considered. The adapter
sends one DELETE and takes a 404 as done; on the sandbox a sync removes the copies, and a
run killed right after a DELETE converges on the same end state.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import responses
from hypothesis import given
from hypothesis import strategies as st
from support import factories as f
from support.github_api import API, api_comment, make_adapter
from support.lifecycle import FAST, Killed, no_sleep
from support.planning import context, converge, of_kind, synced
from support.sandbox_pmsync import NOW, REPO, Site

from pmsync.adapters.retry import RequestLog, RequestRecord
from pmsync.config.redact import Redactor
from pmsync.core.domain import markers
from pmsync.core.domain.changes import DeleteComment, Plan, UpsertComment
from pmsync.core.domain.state import CommentState, ObservedPostMortem
from pmsync.core.planning.comments import delete_duplicates
from pmsync.core.planning.plan import plan
from pmsync.core.planning.simulate import Simulator
from pmsync.entry.job_summary import change_lines, change_row
from pmsync.entry.run import start_run
from pmsync.errors import RemoteError
from pmsync.orchestration import reconcile, sync_all
from pmsync.orchestration.apply import Outcome
from pmsync.orchestration.cache import FILE_NAME, CacheFile, FileCache
from pmsync_sandbox.runner import Sandbox

REVIEW_14 = markers.followup_marker(14)
# The example post-mortem's incident was on 20 November 2026: its 14-day review is due on
# 4 December and its 28-day review on 18 December.
AFTER_REVIEW_14 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def deletes(result: Plan) -> list[DeleteComment]:
    return of_kind(result, DeleteComment)


def copy_of(comment: CommentState, comment_id: int, later: timedelta) -> CommentState:
    """What a second, overlapping run would have written: the same text, a little later."""
    return comment.model_copy(update={"id": comment_id, "created_at": comment.created_at + later})


def with_comments(state: ObservedPostMortem, *extra: CommentState) -> ObservedPostMortem:
    return state.model_copy(update={"bot_comments": (*state.bot_comments, *extra)})


def found(state: ObservedPostMortem, marker: str) -> CommentState:
    comment = markers.find_comment(state.bot_comments, marker)
    assert comment is not None, f"no comment with {marker}"
    return comment


# -- the planner --------------------------------------------------------------------------------


def test_a_second_status_comment_is_deleted_and_the_older_one_stays() -> None:
    state, parsed, ctx = synced()
    status = found(state, markers.STATUS)
    second = copy_of(status, status.id + 50, timedelta(seconds=3))
    result = plan(with_comments(state, second), parsed, ctx)
    assert result.changes == (
        DeleteComment(
            repo=f.REPO,
            number=f.NUMBER,
            marker=markers.STATUS,
            comment_id=second.id,
            kept_id=status.id,
        ),
    )
    after, _, _ = converge(with_comments(state, second), parsed, ctx)
    assert after.bot_comments == state.bot_comments  # the rerun plans nothing


def test_the_status_comment_kept_is_the_one_read_and_edited() -> None:
    """The newer copy holds another snapshot and text; the plan still reads and edits the
    older one, so deleting the newer shifts nothing else."""
    state, parsed, ctx = synced()
    status = found(state, markers.STATUS)
    stale = status.model_copy(update={"body": f"{markers.STATUS}\nan older text"})
    newer = copy_of(status, status.id + 1, timedelta(minutes=1))
    others = tuple(c for c in state.bot_comments if c.id != status.id)
    observed = state.model_copy(update={"bot_comments": (*others, newer, stale)})
    result = plan(observed, parsed, ctx)
    assert [(d.comment_id, d.kept_id) for d in deletes(result)] == [(newer.id, stale.id)]
    (edit,) = of_kind(result, UpsertComment)
    assert edit.comment_id == stale.id and edit.body == status.body


def test_three_follow_up_reviews_with_one_marker_lose_the_two_later_ones() -> None:
    state, parsed, ctx = synced(now=AFTER_REVIEW_14)
    review = found(state, REVIEW_14)
    # GitHub stamps comments made in one second alike: the id then says which came first.
    same_second = copy_of(review, review.id + 7, timedelta(0))
    later = copy_of(review, review.id + 3, timedelta(seconds=2))
    observed = with_comments(state, later, same_second)
    result = plan(observed, parsed, ctx)
    assert len(result.changes) == 2
    assert [(d.comment_id, d.kept_id, d.marker) for d in deletes(result)] == [
        (same_second.id, review.id, REVIEW_14),
        (later.id, review.id, REVIEW_14),
    ]
    after, _, _ = converge(observed, parsed, ctx)
    assert [c.id for c in after.bot_comments] == [c.id for c in state.bot_comments]


def test_copies_are_deleted_on_an_invalid_post_mortem_too() -> None:
    parsed = f.parse_result(errors=(f.finding(),))
    state, _, _ = converge(f.observed(), parsed, context())
    feedback = found(state, markers.FEEDBACK)
    copy = copy_of(feedback, feedback.id + 1, timedelta(seconds=1))
    result = plan(with_comments(state, copy), parsed, context())
    assert [(d.comment_id, d.kept_id) for d in deletes(result)] == [(copy.id, feedback.id)]
    assert not of_kind(result, UpsertComment)


def test_comments_with_different_markers_or_none_are_left_alone() -> None:
    comments = (
        f.comment(f"{markers.backlink_marker('acme/payments#7')}\nsee #7", id=1),
        f.comment(f"{markers.backlink_marker('acme/payments#8')}\nsee #8", id=2),
        f.comment(f"{markers.nudge_marker('OPS-1', NOW.date())}\nlate", id=3),
        f.comment(f"{markers.nudge_marker('OPS-1', NOW.date() + timedelta(days=7))}\n", id=4),
        f.comment("Thanks, I'll look at OPS-1 today.", id=5),  # pmsync's login, a person typing
        f.comment("Thanks, I'll look at OPS-1 today.", id=6),
        f.comment(f"quoting: {markers.STATUS}", id=7),  # a marker not at the start is none
        f.comment(f"{markers.STATUS}\nstatus", id=8),
    )
    assert delete_duplicates(f.issue(), comments) == ()


def test_nothing_to_delete_means_no_change() -> None:
    state, parsed, ctx = synced(now=AFTER_REVIEW_14)
    assert [markers.leading_marker(c.body) for c in state.bot_comments] == [
        markers.STATUS,
        REVIEW_14,
    ]
    assert delete_duplicates(state.issue, state.bot_comments) == ()
    assert plan(state, parsed, ctx).empty


def test_a_persons_comment_with_a_marker_is_never_deleted() -> None:
    """The planner sees only pmsync's comments: the adapter leaves out anyone else's, so a
    person's comment carrying pmsync's marker, older or newer than pmsync's, stays."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mocked:
        mocked.get(
            f"{API}/repos/{REPO}/issues/1/comments",
            json=[
                api_comment(1, "mallory", f"{markers.STATUS}\nforged, older"),
                api_comment(2, "pmsync-bot", f"{markers.STATUS}\nreal"),
                api_comment(3, "bob", f"{markers.STATUS}\nquoted, newer"),
                api_comment(4, "pmsync-bot", f"{REVIEW_14}\nreview"),
                api_comment(5, "bob", f"{REVIEW_14}\nreview, pasted"),
            ],
        )
        adapter, _ = make_adapter()
        comments = adapter.bot_comments(REPO, 1)
    assert [c.id for c in comments] == [2, 4]
    issue = f.issue(repo=REPO, number=1)
    assert delete_duplicates(issue, comments) == ()


_MARKERS = (markers.STATUS, markers.FEEDBACK, REVIEW_14, markers.backlink_marker("a/b#1"))


@given(
    st.lists(
        st.tuples(st.sampled_from([*_MARKERS, "no marker"]), st.integers(0, 3)),
        max_size=12,
    )
)
def test_after_the_deletes_each_marker_is_left_once_as_its_oldest(
    drawn: list[tuple[str, int]],
) -> None:
    comments = tuple(
        f.comment(f"{text}\nbody {n}", id=n + 1, created_at=f.CREATED + timedelta(seconds=s))
        for n, (text, s) in enumerate(drawn)
    )
    state = f.observed(bot_comments=comments)
    changes = delete_duplicates(state.issue, comments)
    after = Simulator(NOW).apply_plan(Plan(changes=changes), state)
    for marker in _MARKERS:
        with_marker = [c for c in after.bot_comments if markers.has_marker(c.body, marker)]
        oldest = markers.find_comment(comments, marker)
        assert with_marker == ([] if oldest is None else [oldest])
    unmarked = [c for c in comments if markers.leading_marker(c.body) is None]
    assert all(c in after.bot_comments for c in unmarked)
    assert delete_duplicates(after.issue, after.bot_comments) == ()


@given(st.from_regex(r"[a-z]+(:[A-Za-z0-9/#._-]+)*", fullmatch=True), st.text(max_size=20))
def test_the_leading_marker_is_the_one_has_marker_finds(name: str, rest: str) -> None:
    body = f"\n  {markers.marker(name)}{rest}"
    assert markers.leading_marker(body) == markers.marker(name)
    assert markers.has_marker(body, markers.marker(name))
    assert markers.leading_marker(f"{markers.data_marker('snapshot', 'abc')}\n{body}") is None


# -- how the change reads -----------------------------------------------------------------------


def test_the_change_names_the_comment_in_words() -> None:
    change = DeleteComment(repo=REPO, number=7, marker=REVIEW_14, comment_id=31, kept_id=12)
    assert change.describe() == (
        "delete a duplicate 14-day follow-up review (id 31) on acme/payments#7; "
        "the oldest (id 12) stays"
    )
    assert change.key == "delete-comment:acme/payments#7:31"
    row = change_row(Outcome(change, "in_place"), dry_run=False, redactor=Redactor())
    assert row.result == "already in place"
    assert row.lines == change_lines(change) == (change.describe(),)


# -- the adapter --------------------------------------------------------------------------------

COMMENT_URL = f"{API}/repos/{REPO}/issues/comments/31"
NOT_FOUND = {
    "message": "Not Found",
    "documentation_url": "https://docs.github.com/rest/issues/comments#delete-an-issue-comment",
    "status": "404",
}


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        yield rsps


def test_a_delete_is_one_request(mocked: responses.RequestsMock) -> None:
    mocked.delete(COMMENT_URL, status=204)
    adapter, requests = make_adapter()
    assert adapter.delete_comment(REPO, 1, 31) is True
    assert [(c.request.method, c.request.url) for c in mocked.calls] == [("DELETE", COMMENT_URL)]
    assert requests.count() == requests.count(write=True) == 1


def test_a_comment_gone_already_counts_as_deleted(mocked: responses.RequestsMock) -> None:
    mocked.delete(COMMENT_URL, status=404, json=NOT_FOUND)
    adapter, requests = make_adapter()
    assert adapter.delete_comment(REPO, 1, 31) is False
    assert requests.count(write=True) == 1


def test_a_delete_whose_answer_was_lost_is_sent_again_and_finds_it_gone(
    mocked: responses.RequestsMock,
) -> None:
    mocked.delete(COMMENT_URL, status=502, json={"message": "Server Error"})
    mocked.delete(COMMENT_URL, status=404, json=NOT_FOUND)
    adapter, requests = make_adapter()
    assert adapter.delete_comment(REPO, 1, 31) is False
    assert requests.count(write=True) == 2


def test_a_refused_delete_is_an_error(mocked: responses.RequestsMock) -> None:
    mocked.delete(
        COMMENT_URL,
        status=403,
        json={"message": "Resource not accessible by integration", "status": "403"},
    )
    adapter, _ = make_adapter()
    with pytest.raises(RemoteError) as caught:
        adapter.delete_comment(REPO, 1, 31)
    assert caught.value.status == 403
    assert f"DELETE /repos/{REPO}/issues/comments/31" in str(caught.value)


# -- on the sandbox -----------------------------------------------------------------------------


@pytest.fixture
def site(sandbox: Sandbox) -> Site:
    return Site(sandbox)


def reviewed(site: Site) -> int:
    """A post-mortem synced on its first day and again after its 14-day review fell due."""
    number = site.open("alice")
    site.run()
    site.sandbox.set_clock(AFTER_REVIEW_14)
    site.run()
    return number


def pmsyncs(site: Site, number: int, marker: str) -> list[int]:
    """Ids of the comments pmsync's identity (alice) wrote with ``marker``, oldest first."""
    return [
        c["id"]
        for c in site.comments(number)
        if c["user"] == "alice" and markers.has_marker(c["body"], marker)
    ]


def overlap(site: Site, number: int) -> list[int]:
    """What a second run overlapping the last one would have left: as pmsync's identity,
    another status comment and another 14-day review, each with the same text. Bob's
    comment quoting the status marker is a person's and must stay. Returns the copies' ids."""
    issue = site.as_("alice").get_repo(REPO).get_issue(number)
    copies = [
        issue.create_comment(site.bot_comments(number, marker)[0]).id
        for marker in (markers.STATUS, REVIEW_14)
    ]
    person = site.as_("bob").get_repo(REPO).get_issue(number)
    person.create_comment(f"{markers.STATUS}\nbob: copied this from the status comment")
    return copies


def comments_by_id(site: Site, number: int) -> dict[int, tuple[str, str]]:
    return {c["id"]: (c["user"], c["body"]) for c in site.comments(number)}


def test_a_sync_deletes_the_copies_and_a_rerun_writes_nothing(site: Site) -> None:
    number = reviewed(site)
    status, review = pmsyncs(site, number, markers.STATUS), pmsyncs(site, number, REVIEW_14)
    before = comments_by_id(site, number)
    copies = overlap(site, number)

    site.sandbox.clear_requests()
    summary = site.run().record.summary
    assert summary.lines() == ["done: 2 duplicate comments deleted"]
    assert site.writes("github") == [
        ("DELETE", f"/repos/{REPO}/issues/comments/{copy}") for copy in copies
    ]
    assert site.writes("jira") == []
    assert pmsyncs(site, number, markers.STATUS) == status
    assert pmsyncs(site, number, REVIEW_14) == review
    after = comments_by_id(site, number)
    (bobs,) = [body for user, body in after.values() if user == "bob"]
    assert markers.has_marker(bobs, markers.STATUS)
    assert {i: c for i, c in after.items() if c[0] == "alice"} == before

    site.sandbox.clear_requests()
    site.run()
    assert site.writes("github") == [] and site.writes("jira") == []


def _killed_after_delete(count: int) -> RequestLog:
    requests = RequestLog()
    done = 0

    def listener(entry: RequestRecord) -> None:
        nonlocal done
        if entry.method == "DELETE" and entry.ok:
            done += 1
            if done == count:
                raise Killed(f"stopped right after {entry.method} {entry.path}")

    requests.listeners.append(listener)
    return requests


@pytest.mark.parametrize("deletes_done", [1, 2])
def test_a_run_killed_right_after_a_delete_converges_on_the_same_end_state(
    site: Site, deletes_done: int
) -> None:
    number = reviewed(site)
    overlap(site, number)
    overlapped = site.sandbox.state()
    site.run()
    expected = comments_by_id(site, number)

    site.sandbox.restore(overlapped)
    site.sandbox.set_clock(AFTER_REVIEW_14)
    with pytest.raises(Killed):
        site.run(requests=_killed_after_delete(deletes_done))
    assert site.run().record.failures == []
    assert comments_by_id(site, number) == expected
    site.sandbox.clear_requests()
    site.run()
    assert site.writes("github") == [] and site.writes("jira") == []


def test_a_copy_another_run_deleted_first_counts_as_done(site: Site) -> None:
    """Two runs cleaning up at once: the one whose DELETE comes second finds the copy gone."""
    number = reviewed(site)
    (copy, _) = overlap(site, number)
    run = start_run(
        site.settings,
        site.config,
        now=AFTER_REVIEW_14,
        policy=FAST,
        sleep=no_sleep,
        show=lambda text: None,
    ).context
    issue = run.github.issue(REPO, number)
    observed = reconcile.observe(issue, run)
    parsed = reconcile.parse(issue, run)
    planned = plan(observed, parsed, reconcile.plan_context(issue, parsed, run))
    (change,) = [c for c in deletes(planned) if c.comment_id == copy]

    site.as_("alice").get_repo(REPO).get_issue(number).get_comment(copy).delete()
    folded, outcome = run.applier().apply(change, observed)
    assert outcome.status == "in_place"
    assert copy in {c.id for c in observed.bot_comments}
    assert copy not in {c.id for c in folded.bot_comments}


# -- the local cache ----------------------------------------------------------------------------


def cached_sync(site: Site, folder: Path) -> None:
    """`pmsync sync` with the local cache, an hour after the sandbox's last moment."""
    moment = site.sandbox.advance(timedelta(hours=1))
    session = start_run(
        site.settings,
        site.config,
        now=moment,
        requests=RequestLog(),
        policy=FAST,
        sleep=no_sleep,
        show=lambda text: None,
    )
    sync_all.sync([REPO], session.context, session.record, FileCache(folder))
    assert session.record.failures == []


def kept_markers(folder: Path, number: int) -> list[str | None]:
    data = CacheFile.model_validate_json((folder / FILE_NAME).read_text(encoding="utf-8"))
    kept = data.kept[f"{REPO}#{number}"].observed.bot_comments
    return [markers.leading_marker(c.body) for c in kept]


@pytest.mark.parametrize("deleted_by", ["the cached sync", "a run without the cache"])
def test_the_cache_keeps_no_deleted_copy(site: Site, tmp_path: Path, deleted_by: str) -> None:
    number = reviewed(site)
    cached_sync(site, tmp_path)
    cached_sync(site, tmp_path)
    before = kept_markers(tmp_path, number)
    assert before.count(markers.STATUS) == before.count(REVIEW_14) == 1

    copies = overlap(site, number)
    if deleted_by == "a run without the cache":
        site.run()
        assert not set(copies) & set(comments_by_id(site, number))
    site.sandbox.clear_requests()
    cached_sync(site, tmp_path)
    expected = {
        "the cached sync": [("DELETE", f"/repos/{REPO}/issues/comments/{c}") for c in copies],
        "a run without the cache": [],
    }[deleted_by]
    assert site.writes("github") == expected
    assert kept_markers(tmp_path, number) == before

    site.sandbox.clear_requests()
    cached_sync(site, tmp_path)
    assert site.writes("github") == [] and site.writes("jira") == []
