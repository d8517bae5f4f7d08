"""Applicant groups as the committee sees them: one entry per group, scored once from its
members' own scores (models/programme/programme_paths.group_score: the mean of the
members' vulnerability, the responsible member's readiness and category), in place of
its members' individual entries. The rule is ours where the document is silent; see
docs/workflow.md, "Cooperatives and groups"."""

from __future__ import annotations

from dataclasses import replace

from jisr_desktop.models.programme.programme_paths import (
    Catalogue,
    GroupScore,
    MemberScore,
    group_score,
)
from jisr_desktop.models.programme.programme_paths import min_members as kind_minimum
from jisr_desktop.models.store.groups import GroupInfo, GroupRepository
from jisr_desktop.models.store.path_lists import catalogue_in_force
from jisr_desktop.models.store.repository import Repository, ScoredRecord


def score_group(repo: Repository, group: GroupInfo,
                catalogue: Catalogue | None = None) -> GroupScore:
    """The group's one score from its members' stored scores (the one grid's); pass the
    lists in force when scoring many groups (reading them parses and checks a file)."""
    members = []
    for m in group.members:
        record = repo.get(m.record_id)
        if record is None:
            continue
        subtotals = dict(((record.evaluation or {}).get("subtotals")) or {})
        members.append(MemberScore(record.id, record.eligible, record.score_total,
                                   subtotals, record.category))
    try:
        minimum = kind_minimum(catalogue or catalogue_in_force(repo), group.kind)
    except ValueError:  # a kind a newer list dropped: the document's two or more
        minimum = 2
    return group_score(members, group.responsible_id, minimum)


def fold_groups(repo: Repository, scored: list[ScoredRecord]) -> list[ScoredRecord]:
    """`scored` with each group's members taken out and the group put in once, under its
    responsible member's record (which carries the group's decision and orientation)."""
    membership = GroupRepository(repo.store).membership()
    if not membership:
        return scored
    groups = {g: GroupRepository(repo.store).get(g) for g in set(membership.values())}
    catalogue = catalogue_in_force(repo)
    out: list[ScoredRecord] = []
    for r in scored:
        group = groups.get(membership.get(r.id, ""))
        if group is None:
            out.append(r)
        elif r.id == group.responsible_id:
            score = score_group(repo, group, catalogue)
            out.append(replace(r, name_ar=group.name, name_lat=group.name,
                               cin=group.legal_id or "", eligible=score.eligible,
                               category=score.category, total=score.total or 0,
                               subtotals=score.subtotals or dict(r.subtotals)))
    return out


def group_of(repo: Repository, record_id: str) -> GroupInfo | None:
    """The group a record is a member of now, if any."""
    group_id = GroupRepository(repo.store).membership().get(record_id)
    return GroupRepository(repo.store).get(group_id) if group_id else None
