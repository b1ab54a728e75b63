"""The new Jira ticket for one action item: its fields, labels and description."""

from __future__ import annotations

from collections.abc import Mapping

from pmsync.config.schema import Config
from pmsync.core.domain import identity
from pmsync.core.domain.changes import NewTicket
from pmsync.core.domain.model import PostMortem
from pmsync.core.domain.origin import postmortem_labels
from pmsync.core.domain.state import ObservedPostMortem
from pmsync.core.planning.descriptions import description_for
from pmsync.core.planning.matching import Entry
from pmsync.core.planning.merge import assignee_for, jira_summary

JIRA_POSTMORTEM_LABEL = "postmortem"


def new_ticket(
    entry: Entry,
    observed: ObservedPostMortem,
    pm: PostMortem,
    config: Config,
    accounts: Mapping[str, str | None],
) -> NewTicket:
    issue = observed.issue
    item = entry.item
    project = config.project_for(pm.services)
    return NewTicket(
        item_id=entry.item_id,
        row=item.row,
        project=project,
        issue_type=config.jira.issue_type_for(project),
        summary=jira_summary(item.action),
        description=description_for(item, issue, pm),
        priority=config.jira.priorities.get(item.priority),
        due=item.due,
        labels=(
            JIRA_POSTMORTEM_LABEL,
            f"pm-type-{item.type.value.lower()}",
            *postmortem_labels(observed),
            identity.item_label(entry.item_id),
        ),
        assignee=assignee_for(item, accounts),
    )
