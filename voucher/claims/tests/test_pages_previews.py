"""The reviewer's claim page loads no file until a preview is opened (issue 18: the page embedded 5 PDFs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from voucher.accounts.models import User
from voucher.claims.models import Claim
from voucher.demo.seed import seed_demo

pytestmark = pytest.mark.django_db

EMBEDDED = re.compile(r"<(?:iframe|img|object|embed)\b[^>]*?\s(?:src|data)=\"(/[^\"]+)\"")


def test_pages_reviewer_claim_page_embeds_previews_on_demand():
    seed_demo()
    claim = next(
        c
        for c in Claim.objects.select_related("order")
        if c.materials.filter(superseded_at=None).count() >= 3
    )
    reviewer = Client()
    reviewer.force_login(User.objects.get(username="reviewer1"))
    response = reviewer.get(reverse("claims:detail", args=[claim.order.number]))
    assert response.status_code == 200
    html = response.content.decode()
    assert EMBEDDED.findall(html) == []  # nothing the browser fetches by itself
    previews = re.findall(r'<details data-preview>.*?data-src="(/claims/files/\d+/preview/)"', html, re.S)
    assert len(previews) >= 3
    for path in previews:
        assert reviewer.get(path).status_code == 200
    script = (Path(settings.BASE_DIR) / "voucher" / "static" / "js" / "site.js").read_text()
    assert 'hasAttribute("data-preview")' in script and 'getAttribute("data-src")' in script
