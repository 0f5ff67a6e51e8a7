"""Seed the award rules of HD 06-HD/TW (9/6/2025), mục 19 (DOMAIN-RULES §2). The đảng bộ cơ sở /
chi bộ cơ sở five-year row gives two awards (Bằng khen and Cờ), hence nine rules for eight rows."""

from django.db import migrations

SOURCE = "HD 06-HD/TW (9/6/2025), mục 19"
ABOVE_CELL = "Cấp ủy cấp trên trực tiếp của chi bộ (không phải đảng ủy bộ phận)"
ABOVE_GRASSROOTS = "Ban Thường vụ cấp ủy cấp trên trực tiếp của tổ chức cơ sở đảng"
PROVINCE = "Ban Thường vụ Tỉnh ủy, Thành ủy"
GRASSROOTS_COMMITTEE = "Đảng ủy cơ sở, chi bộ cơ sở"

# (subject kind, exemplary required, years, award, body)
RULES = [
    ("cell", True, 1, "giay_khen", ABOVE_CELL),
    ("cell", True, 5, "giay_khen", ABOVE_GRASSROOTS),
    ("cell", True, 5, "bang_khen", PROVINCE),
    ("grassroots", True, 1, "giay_khen", ABOVE_GRASSROOTS),
    ("grassroots", True, 5, "bang_khen", PROVINCE),
    ("grassroots", True, 5, "co", PROVINCE),
    ("member", False, 1, "giay_khen", GRASSROOTS_COMMITTEE),
    ("member", False, 5, "giay_khen", ABOVE_GRASSROOTS),
    ("member", False, 5, "bang_khen", PROVINCE),
]


def seed(apps, schema_editor):
    AwardRule = apps.get_model("awards", "AwardRule")
    for subject_kind, exemplary, years, award, body in RULES:
        AwardRule.objects.get_or_create(
            subject_kind=subject_kind,
            level="HTXSNV",
            exemplary_required=exemplary,
            years=years,
            award=award,
            body=body,
            defaults={"source": SOURCE, "active": True},
        )


def unseed(apps, schema_editor):
    apps.get_model("awards", "AwardRule").objects.filter(source=SOURCE, proposals__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
