"""The GitHub store's labels: a repository's labels and the labels on an issue, with the
events GitHub records when an issue's labels change."""

from __future__ import annotations

from pmsync_sandbox.github.ledger import StoreLedger
from pmsync_sandbox.github.records import Issue, Label, Repository

NEW_LABEL_COLOR = "ededed"  # what GitHub gives a label created by naming it on an issue


class LabelBook(StoreLedger):
    def create_label(
        self, repo: Repository, name: str, color: str, description: str | None
    ) -> Label:
        label = Label(self.new_id(), name, color, description)
        repo.labels[name.lower()] = label
        return label

    def rename_label(self, repo: Repository, label: Label, new_name: str) -> None:
        old = label.name
        del repo.labels[old.lower()]
        label.name = new_name
        repo.labels[new_name.lower()] = label
        for issue in repo.issues.values():
            issue.labels = [new_name if n.lower() == old.lower() else n for n in issue.labels]

    def delete_label(self, repo: Repository, label: Label) -> None:
        del repo.labels[label.name.lower()]
        for issue in repo.issues.values():
            issue.labels = [n for n in issue.labels if n.lower() != label.name.lower()]

    def ensure_labels(self, repo: Repository, names: list[str]) -> list[str]:
        """The repository's spelling of each name, creating labels GitHub would create."""
        spelled: list[str] = []
        for name in names:
            label = repo.label(name) or self.create_label(repo, name, NEW_LABEL_COLOR, None)
            if label.name not in spelled:
                spelled.append(label.name)
        return spelled

    def set_issue_labels(
        self, repo: Repository, issue: Issue, names: list[str], actor: str, now: str
    ) -> None:
        wanted = self.ensure_labels(repo, names)
        removed = [n for n in issue.labels if n not in wanted]
        added = [n for n in wanted if n not in issue.labels]
        if not removed and not added:
            return
        issue.labels = sorted(wanted, key=str.lower)
        for name, event in [(n, "unlabeled") for n in removed] + [(n, "labeled") for n in added]:
            label = repo.label(name)
            color = label.color if label else NEW_LABEL_COLOR
            self._event(repo, issue, actor, event, now, label={"name": name, "color": color})
        self.touch(repo, issue, now)
