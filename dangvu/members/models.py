"""Member records (sơ yếu lý lịch) and their timeline of events.

Status, membership, current cell and the admission/official dates on `Member` are a cache of
`lifecycle.derive_state` over the member's events, refreshed by `members.services` whenever an
event changes; nobody types them.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from dangvu.accounts.models import MEMBER_EDITORS, SENSITIVE_READERS, TREE_READERS, Role
from dangvu.lib.dates import age_on
from dangvu.members.lifecycle import ON_ROLL, EventKind, Status
from dangvu.orgs.paths import in_subtree

if TYPE_CHECKING:
    from dangvu.accounts.models import User
    from dangvu.orgs.models import Org


class Sex(models.TextChoices):
    MALE = "male", "Nam"
    FEMALE = "female", "Nữ"


class ProfessionalLevel(models.TextChoices):
    NONE = "", "Chưa qua đào tạo"
    PRIMARY = "so_cap", "Sơ cấp"
    SECONDARY = "trung_cap", "Trung cấp"
    COLLEGE = "cao_dang", "Cao đẳng"
    BACHELOR = "dai_hoc", "Đại học"
    MASTER = "thac_si", "Thạc sĩ"
    DOCTOR = "tien_si", "Tiến sĩ"


class TheoryLevel(models.TextChoices):
    NONE = "", "Chưa qua đào tạo"
    PRIMARY = "so_cap", "Sơ cấp"
    INTERMEDIATE = "trung_cap", "Trung cấp"
    ADVANCED = "cao_cap", "Cao cấp"
    BACHELOR = "cu_nhan", "Cử nhân"


# Fields of Nghị định 13/2023 "dữ liệu cá nhân nhạy cảm" (and contact data) shown masked to roles
# outside SENSITIVE_READERS; revealing one is logged.
SENSITIVE_FIELDS = ("citizen_id", "ethnicity", "religion", "phone", "address")


class MemberQuerySet(models.QuerySet["Member"]):
    def visible_to(self, user: User) -> MemberQuerySet:
        """Members the user may see: those whose current (or last) cell is in their scope; their own
        record for the member role; everything for an admin; nothing otherwise."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.ADMIN:
            return self.all()
        if user.role == Role.MEMBER:
            return self.filter(pk=user.member_id) if user.member_id else self.none()
        if user.role in TREE_READERS and user.scope is not None:
            return self.filter(in_subtree("current_org__path", user.scope.path))
        return self.none()

    def editable_by(self, user: User) -> MemberQuerySet:
        if user.role not in MEMBER_EDITORS:
            return self.none()
        return self.visible_to(user)

    def on_roll(self) -> MemberQuerySet:
        """Members counted in their cell: active, temporarily away, exempt or suspended."""
        return self.filter(status__in=ON_ROLL)

    def in_subtree(self, path: str) -> MemberQuerySet:
        """Members whose current (or last) cell is in the subtree of `path`."""
        return self.filter(in_subtree("current_org__path", path))

    def visible_in(self, user: User, org: Org) -> MemberQuerySet:
        """`visible_to(user).in_subtree(org.path)`, with the subtree condition alone when the org lies within
        what the user sees (the whole tree for an admin, the scope's subtree for a tree reader): the scope's
        condition is then implied, and repeating it makes PostgreSQL misjudge how many rows remain."""
        if user.is_authenticated and user.is_active:
            if user.role == Role.ADMIN:
                return self.in_subtree(org.path)
            if user.role in TREE_READERS and user.scope is not None and org.path.startswith(user.scope.path):
                return self.in_subtree(org.path)
        return self.visible_to(user).in_subtree(org.path)


class Member(models.Model):
    # Identity
    full_name = models.CharField("họ và tên", max_length=120)
    # No B-tree index: a search reads it with LIKE '%word%' (or 'word%' OR '% word%'), which PostgreSQL
    # answers from the GIN trigram index member_area_name_trgm_idx and SQLite from its FTS5 table
    # (members.name_index); nothing looks it up by equality or in order (migration 0008).
    name_search = models.CharField(max_length=120, editable=False, default="")
    name_sort_key = models.BinaryField(max_length=400, editable=False, default=b"")
    sex = models.CharField("giới tính", max_length=8, choices=Sex.choices)
    birth_date = models.DateField("ngày sinh")
    home_town = models.CharField("quê quán", max_length=255, blank=True)
    ethnicity = models.CharField("dân tộc", max_length=40, default="Kinh")
    religion = models.CharField("tôn giáo", max_length=40, default="Không")
    # Looked up by equality only (the search, the import): their unique indexes serve. On PostgreSQL the
    # `_like` twins Django adds for LIKE 'prefix%' are dropped (migration 0008; Django's state does not
    # know them, so a later migration that makes a field unique again would bring one back).
    citizen_id = models.CharField("số CCCD", max_length=12, null=True, blank=True, unique=True)
    card_number = models.CharField("số thẻ đảng viên", max_length=20, null=True, blank=True, unique=True)
    # Education and work
    education = models.CharField("giáo dục phổ thông", max_length=20, blank=True, help_text="Ví dụ: 12/12")
    professional_level = models.CharField(
        "trình độ chuyên môn", max_length=16, choices=ProfessionalLevel.choices, blank=True, default=""
    )
    political_theory = models.CharField(
        "lý luận chính trị", max_length=16, choices=TheoryLevel.choices, blank=True, default=""
    )
    occupation = models.CharField("nghề nghiệp", max_length=120, blank=True)
    position = models.CharField("chức vụ", max_length=120, blank=True)
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    address = models.CharField("nơi ở hiện nay", max_length=255, blank=True)
    # Derived from the events (lifecycle.derive_state); never edited directly.
    status = models.CharField("tình trạng", max_length=16, choices=Status.choices, default=Status.NONE, editable=False)
    is_probationary = models.BooleanField("dự bị", default=False, editable=False)
    current_org = models.ForeignKey(
        "orgs.Org",
        verbose_name="chi bộ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        editable=False,
        db_index=False,  # member_org_status_name_idx leads with it
    )
    admitted_on = models.DateField("ngày vào Đảng", null=True, blank=True, editable=False)
    ceremony_on = models.DateField("ngày lễ kết nạp", null=True, blank=True, editable=False)
    official_on = models.DateField("ngày chính thức", null=True, blank=True, editable=False)
    status_since = models.DateField("tình trạng từ ngày", null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "đảng viên"
        verbose_name_plural = "đảng viên"
        indexes = [
            models.Index(fields=["current_org", "status", "name_sort_key"], name="member_org_status_name_idx"),
            models.Index(fields=["name_sort_key"], name="member_sort_idx"),
            models.Index(fields=["birth_date"], name="member_birth_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def on_roll(self) -> bool:
        return self.status in ON_ROLL

    def age(self, today: date) -> int:
        return age_on(self.birth_date, today)

    def status_label(self) -> str:
        label = str(Status(self.status).label)
        if self.status in ON_ROLL:
            label += " · " + ("Dự bị" if self.is_probationary else "Chính thức")
        return label


class MemberEventQuerySet(models.QuerySet["MemberEvent"]):
    def live(self) -> MemberEventQuerySet:
        return self.filter(deleted_at__isnull=True)

    def visible_to(self, user: User) -> MemberEventQuerySet:
        return self.filter(member__in=Member.objects.visible_to(user))


def _logged_user() -> models.ForeignKey:
    """A "who did it" column of an event (see `MemberEvent.created_by`): no database key, no index."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )


class MemberEvent(models.Model):
    # No index of its own: event_member_on_idx leads with it (the cascade from a member, the database's
    # own check when a member row goes, and every read of a member's events).
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="events", db_index=False)
    kind = models.CharField("sự kiện", max_length=16, choices=EventKind.choices)
    on = models.DateField("ngày")
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name="chi bộ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Chi bộ nơi đảng viên sinh hoạt sau sự kiện (kết nạp, chuyển đến, chuyển trong hệ thống).",
    )
    external_org = models.CharField("đơn vị ngoài hệ thống", max_length=255, blank=True)
    ceremony_on = models.DateField("ngày lễ kết nạp", null=True, blank=True)
    expected_end = models.DateField("dự kiến kết thúc", null=True, blank=True)
    decision_no = models.CharField("số quyết định", max_length=60, blank=True)
    decided_by = models.CharField("cơ quan quyết định", max_length=120, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Who did it: a log column like the audit's actor, never searched by. No database foreign key and no
    # index (migration 0008): the import writes an event per row, each with a key check and two index
    # insertions for nothing. Django still applies SET_NULL when a user is deleted, by a full scan of the
    # events (an UPDATE … WHERE created_by_id IN …, one per column) instead of an index lookup. The app
    # never deletes a user: no page, API or command does (`adduser` creates and updates, there is no
    # admin site); only `manage.py shell` could, and an account is meant to be switched off (is_active).
    created_by = _logged_user()
    # Soft delete: a removed event stays in the database and in the audit trail.
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = _logged_user()  # as created_by

    objects = MemberEventQuerySet.as_manager()

    class Meta:
        verbose_name = "sự kiện đảng viên"
        verbose_name_plural = "sự kiện đảng viên"
        ordering = ["member", "on", "pk"]
        indexes = [
            # Not partial (WHERE deleted_at IS NULL) although the timelines read live events only: it is
            # the member key's only index, which the cascade and the foreign key check read whatever the
            # event's state; the few removed events cost a heap filter (migration 0008).
            models.Index(fields=["member", "on"], name="event_member_on_idx"),
            models.Index(fields=["kind", "on"], name="event_kind_on_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%d/%m/%Y} — {self.member.full_name}"


def can_reveal(user: User, member: Member) -> bool:
    """Whether the user may see this member's sensitive fields (after a logged reveal)."""
    return user.role in SENSITIVE_READERS or (user.role == Role.MEMBER and user.member_id == member.pk)


class Membership(models.Model):
    """A stretch of time a member spent in one cell with one status (derived, never typed).

    Rebuilt from the live events by `members.history.sync_memberships` whenever the member's events
    change (and in bulk by `rebuild_memberships` / `dangvu memberships rebuild`). Only the statuses in
    which the member is in a cell of ours are stored: on the roll (ON_ROLL) or hosted temporarily.
    `valid_from` inclusive, `valid_to` exclusive, NULL = still so today.
    """

    # No index of their own: membership_member_from_idx and membership_org_from_idx lead with them. No
    # database key either (migration 0009): a membership is derived from events, whose member and cell
    # keys PostgreSQL checks; Django's CASCADE still deletes them with their member or cell.
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="memberships", db_index=False, db_constraint=False
    )
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    status = models.CharField("tình trạng", max_length=16, choices=Status.choices)
    is_probationary = models.BooleanField("dự bị", default=False)
    valid_from = models.DateField("từ ngày")
    valid_to = models.DateField("đến ngày", null=True, blank=True)

    class Meta:
        verbose_name = "quá trình sinh hoạt"
        verbose_name_plural = "quá trình sinh hoạt"
        ordering = ["member", "valid_from"]
        indexes = [
            models.Index(fields=["member", "valid_from"], name="membership_member_from_idx"),
            models.Index(fields=["org", "valid_from"], name="membership_org_from_idx"),
            models.Index(fields=["valid_to"], name="membership_to_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.org_id} {self.valid_from}–{self.valid_to or ''}"


class Headcount(models.Model):
    """Members per cell, status and probationary flag today: a count kept by database triggers, equal to
    grouping `Member` by (current_org, status, is_probationary) at every commit (`members.headcount`)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices)
    is_probationary = models.BooleanField()
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = "số đảng viên của chi bộ"
        verbose_name_plural = "số đảng viên của chi bộ"
        constraints = [
            models.UniqueConstraint(fields=["org", "status", "is_probationary"], name="headcount_key"),
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.status} {self.is_probationary}: {self.n}"
