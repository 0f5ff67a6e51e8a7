"""`dangvu awardrules`: the catalogue of award rules (HD 06-HD/TW §19 seeded; a province adds its own).

    dangvu awardrules list [--all]
    dangvu awardrules add --subject grassroots --years 3 --exemplary --award bang_khen \
        --body "Ban Thường vụ Tỉnh ủy" --source "Quy định của Tỉnh ủy …"
    dangvu awardrules disable ID      (and `enable ID`)

Every change is written to the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.awards.models import AwardKind, AwardRule, RequiredLevel, SubjectKind
from dangvu.awards.services import rule_add, rule_set_active

ERR_NO_RULE = "Không có quy tắc khen thưởng số {pk}."


class Command(BaseCommand):
    help = "Danh mục quy tắc khen thưởng: list, add, disable, enable."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list")
        listing.add_argument("--all", action="store_true", help="cả quy tắc đã ngừng áp dụng")
        add = sub.add_parser("add")
        add.add_argument("--subject", required=True, choices=SubjectKind.values)
        add.add_argument("--level", default=RequiredLevel.HTXSNV, choices=RequiredLevel.values)
        add.add_argument("--exemplary", action="store_true", help="phải đạt “tiêu biểu”")
        add.add_argument("--years", type=int, default=1)
        add.add_argument("--award", required=True, choices=AwardKind.values)
        add.add_argument("--body", required=True)
        add.add_argument("--source", default="")
        for name in ("disable", "enable"):
            sub.add_parser(name).add_argument("pk", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            rules = AwardRule.objects.all() if options["all"] else AwardRule.objects.active()
            for rule in rules:
                state = "" if rule.active else "  [ngừng áp dụng]"
                self.stdout.write(f"{rule.pk:>4}  {rule} — {rule.body} ({rule.source or 'không ghi căn cứ'}){state}")
            return
        if action == "add":
            try:
                rule = rule_add(
                    actor=None,
                    subject_kind=options["subject"],
                    level=options["level"],
                    exemplary_required=options["exemplary"],
                    years=options["years"],
                    award=options["award"],
                    body=options["body"],
                    source=options["source"],
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            self.stdout.write(f"Đã thêm quy tắc {rule.pk}: {rule}")
            return
        found = AwardRule.objects.filter(pk=options["pk"]).first()
        if found is None:
            raise CommandError(ERR_NO_RULE.format(pk=options["pk"]))
        rule_set_active(actor=None, rule=found, active=action == "enable")
        self.stdout.write(f"Quy tắc {found.pk}: {'đang áp dụng' if found.active else 'ngừng áp dụng'}")
