"""Every status enum of the platform has one tone per value, and every status badge of the templates uses it.

The enums are found, not listed: the ``TextChoices`` of the code named like a status (…Status, …State,
…Outcome, …Phase) and the enums of every model field called status, state or outcome. A new status enum
without tones fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.template import Context, Template

from voucher.applications.choices import ApplicationStatus
from voucher.core.tones import STATUS_TONES, TONES, choices_enums, dotted_name, enum_of_field, tone_of
from voucher.reviews.choices import NoticePhase

STATUS_NAME = re.compile(r"(Status|State|Outcome|Phase)$")
STATUS_FIELD = re.compile(r"(^|_)(status|state|outcome)(_|$)")


def _status_enums() -> dict[str, type[models.Choices]]:
    apps.get_models()  # every app's models, and so their choices modules, are imported
    return {dotted_name(e): e for e in choices_enums() if STATUS_NAME.search(e.__name__)}


def _status_fields() -> list[tuple[str, models.Field]]:
    return [
        (f"{model._meta.label}.{field.name}", field)
        for model in apps.get_models()
        if model.__module__.startswith("voucher.")
        for field in model._meta.concrete_fields
        if field.choices and STATUS_FIELD.search(field.name)
    ]


def test_design_every_status_enum_has_a_tone_for_every_value():
    enums = _status_enums()
    assert len(enums) >= 20  # the discovery finds the platform's enums
    missing = {
        name: [v for v in enum.values if v not in STATUS_TONES.get(name, {})]
        for name, enum in enums.items()
        if set(enum.values) - set(STATUS_TONES.get(name, {}))
    }
    assert missing == {}, f"status values without a tone: {missing}"


def test_design_every_status_field_of_every_model_has_a_mapped_enum():
    fields = _status_fields()
    assert len(fields) >= 20
    unmapped = [label for label, field in fields if enum_of_field(field) is None]
    assert unmapped == [], f"status fields whose choices match no enum with tones: {unmapped}"


def test_design_tone_mapping_names_real_enums_values_and_tones():
    known = {dotted_name(e): e for e in choices_enums()}
    for name, tones in STATUS_TONES.items():
        assert name in known, f"{name} is not an enum of the platform"
        assert set(tones) == set(known[name].values), name
        assert set(tones.values()) <= set(TONES), name


def test_design_passed_is_green_refused_red_waiting_amber():
    assert tone_of(ApplicationStatus, ApplicationStatus.APPROVED) == "success"
    assert tone_of(ApplicationStatus, "returned") == "danger"
    assert tone_of(ApplicationStatus, ApplicationStatus.REJECTED) == "danger"
    assert tone_of(ApplicationStatus, ApplicationStatus.SUBMITTED) in {"warning", "info"}
    enums = _status_enums()
    assert tone_of(enums["voucher.catalogue.choices.ProductStatus"], "on_sale") == "success"
    assert tone_of(enums["voucher.applications.choices.CheckOutcome"], "pass") == "success"
    assert tone_of(enums["voucher.applications.choices.CheckOutcome"], "fail") == "danger"


@pytest.mark.django_db
def test_design_status_badge_renders_the_label_in_its_tone():
    from voucher.applications.models import Application

    application = Application(status=ApplicationStatus.RETURNED)
    html = Template("{% status_badge a %} {% status_badge phase %} {% tone_badge '已领完' %}").render(
        Context({"a": application, "phase": NoticePhase.OPEN})
    )
    assert "text-danger-emphasis" in html and "退回修改" in html
    assert "text-info-emphasis" in html and "公示中" in html
    assert "text-secondary-emphasis" in html and "已领完" in html


def test_design_templates_show_statuses_only_through_the_badge_tag():
    """A status display inside a hand-made ``tag`` span would bypass the tones."""
    root = Path(settings.BASE_DIR) / "voucher"
    hand_made = re.compile(r'<span class="tag[^"]*">[^<]*get_\w*(status|outcome)\w*_display')
    found = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if "vendor" not in path.parts and hand_made.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
