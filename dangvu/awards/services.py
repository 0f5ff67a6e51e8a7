"""Award workflows: rules added and disabled by an admin, proposals from the eligibility list, decisions
granting proposals. Keyword-only functions; each writes its audit rows in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from dangvu.accounts.models import ORG_EDITORS, Role, User
from dangvu.audit.models import Action
from dangvu.audit.services import audit_record, snapshot
from dangvu.awards.models import AwardDecision, AwardProposal, AwardRule
from dangvu.awards.queries import eligible, in_subtree
from dangvu.orgs.models import Org

# Who proposes and records decisions (within their scope); who edits the rules.
AWARD_EDITORS = ORG_EDITORS
RULE_EDITORS = frozenset[str]({Role.ADMIN})

RULE_FIELDS = ("subject_kind", "level", "exemplary_required", "years", "award", "body", "source", "active")
ERR_NOT_ELIGIBLE = "“{name}” không đủ điều kiện {rule} ({window})."
ERR_NOTHING = "Chưa chọn đối tượng nào."
ERR_NO_PROPOSALS = "Chưa chọn đề nghị nào."
ERR_FOREIGN = "Có đề nghị không thuộc phạm vi “{org}” hoặc đã có quyết định."
ERR_NUMBER = "Cần số quyết định."
ERR_BODY = "Cần cấp quyết định."


def can_edit_awards(user: User) -> bool:
    return user.has_role_in(AWARD_EDITORS)


def rule_add(*, actor: User | None, **fields: object) -> AwardRule:
    rule = AwardRule(**fields)
    rule.full_clean()
    with transaction.atomic():
        rule.save()
        audit_record(actor=actor, action=Action.CREATE, target=rule, changes=snapshot(rule, RULE_FIELDS))
    return rule


def rule_set_active(*, actor: User | None, rule: AwardRule, active: bool) -> AwardRule:
    if rule.active == active:
        return rule
    with transaction.atomic():
        rule.active = active
        rule.save(update_fields=["active"])
        audit_record(actor=actor, action=Action.UPDATE, target=rule, changes={"active": [not active, active]})
    return rule


def proposals_create(
    *, actor: User | None, rule: AwardRule, org: Org, final_year: int, subject_ids: Iterable[int]
) -> list[AwardProposal]:
    """Propose the chosen subjects under `org` for `rule` and `final_year`. Eligibility is recomputed
    here (never trusted from the form); a subject already proposed is left as it is. All or nothing."""
    wanted = set(subject_ids)
    if not wanted:
        raise ValidationError(ERR_NOTHING)
    found = {c.pk: c for c in eligible(rule, org, final_year).candidates}
    missing = sorted(wanted - set(found))
    if missing:
        raise ValidationError(
            ERR_NOT_ELIGIBLE.format(name=f"mã {missing[0]}", rule=rule.achievement(), window=rule.window(final_year))
        )
    created = []
    with transaction.atomic():
        for pk in sorted(wanted):
            candidate = found[pk]
            if candidate.proposal is not None:
                continue
            proposal = AwardProposal.objects.create(
                rule=rule,
                member_id=pk if rule.is_member_rule else None,
                org_id=None if rule.is_member_rule else pk,
                final_year=final_year,
                years=list(candidate.years),
                proposed_by=actor,
            )
            audit_record(
                actor=actor,
                action=Action.CREATE,
                target=proposal,
                changes={"rule": str(rule), "subject": candidate.name, "years": list(candidate.years)},
            )
            created.append(proposal)
    return created


def decision_create(
    *,
    actor: User | None,
    org: Org,
    number: str,
    signed_on: date,
    body: str,
    proposal_ids: Iterable[int],
) -> AwardDecision:
    """Record a decision granting the chosen proposals (pending ones under `org`). All or nothing."""
    ids = set(proposal_ids)
    if not number.strip():
        raise ValidationError(ERR_NUMBER)
    if not body.strip():
        raise ValidationError(ERR_BODY)
    if not ids:
        raise ValidationError(ERR_NO_PROPOSALS)
    with transaction.atomic():
        proposals = list(
            AwardProposal.objects.select_for_update(of=("self",))
            .filter(in_subtree(org), pk__in=ids, decision__isnull=True)
            .order_by("pk")
        )
        if len(proposals) != len(ids):
            raise ValidationError(ERR_FOREIGN.format(org=org.name))
        decision = AwardDecision.objects.create(
            number=number.strip(), signed_on=signed_on, body=body.strip(), org=org, created_by=actor
        )
        AwardProposal.objects.filter(pk__in=ids).update(decision=decision)
        audit_record(
            actor=actor,
            action=Action.CREATE,
            target=decision,
            changes={"number": decision.number, "signed_on": signed_on.isoformat(), "proposals": sorted(ids)},
        )
    return decision
