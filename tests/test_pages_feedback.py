"""Pages say what happened: an error summary after a failed save, one action per submitted form, and a
question saying what will happen before an irreversible or public action."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from voucher.accounts.models import User
from voucher.applications.models import Application
from voucher.claims.models import Claim
from voucher.core.models import AuditEvent
from voucher.demo.seed import seed_demo
from voucher.payouts.models import PayeeAccount
from voucher.testing.pages import PageForm, read_page

pytestmark = pytest.mark.django_db

SITE_JS = Path(settings.BASE_DIR) / "voucher" / "static" / "js" / "site.js"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _payee_form(client: Client) -> PageForm:
    forms, _ = read_page(client.get("/payouts/payee/").content.decode())
    return next(f for f in forms if f.method == "post" and any(i["name"] == "bank_name" for i in f.inputs))


def test_pages_a_failed_save_shows_a_summary_linking_to_each_field(provider_user):
    client = Client()
    client.force_login(provider_user)
    data = _payee_form(client).as_post()
    data.update(bank_name=[""], account_number=["12ab"])
    html = client.post("/payouts/payee/", data).content.decode()
    summary = html.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    links = re.findall(r'href="#([\w-]+)"', summary)
    assert links == ["id_bank_name", "id_account_number"]
    for target in links:
        assert f'id="{target}"' in html  # each link lands on its field
    assert "请填写开户银行。" in summary and "银行账号应为 8–40 位数字。" in summary


def test_pages_site_js_focuses_the_summary_and_disables_a_submitted_form():
    js = SITE_JS.read_text()
    assert "[data-error-summary]" in js and ".focus()" in js
    assert "data-submitting" in js and "disabled = true" in js and "is-busy" in js


def test_pages_a_form_submitted_twice_is_acted_on_once(provider_user):
    client = Client()
    client.force_login(provider_user)
    form = _payee_form(client)
    assert form.as_post().get("form_token"), "every form that posts carries a one-time token"
    data = form.as_post()
    data.update(bank_name=["中国工商银行北京分行"], account_number=["6222020200112233"])
    first = client.post("/payouts/payee/", data)
    events = AuditEvent.objects.filter(action="payee.saved").count()
    data.update(account_number=["6222020200998877"])
    second = client.post("/payouts/payee/", data, HTTP_REFERER="http://testserver/payouts/payee/")
    assert first.status_code == 302
    assert second.status_code == 303 and second["Location"] == "http://testserver/payouts/payee/"
    assert AuditEvent.objects.filter(action="payee.saved").count() == events
    assert (
        PayeeAccount.objects.get(organisation=provider_user.organisation).account_number == "6222020200112233"
    )
    assert "不会重复处理" in client.get("/payouts/payee/").content.decode()


def test_pages_a_refused_form_can_be_corrected_and_sent_again(provider_user):
    client = Client()
    client.force_login(provider_user)
    data = _payee_form(client).as_post()
    data.update(bank_name=[""], account_number=["6222020200112233"])
    assert client.post("/payouts/payee/", data).status_code == 422
    data.update(bank_name=["中国银行"])
    assert client.post("/payouts/payee/", data).status_code == 302


# Irreversible or public actions: publishing a product or payout notice, putting a product on sale,
# cancelling a batch, marking paid, recording a sanction, deciding (rejecting) an application or a claim.
CONFIRMED = [
    "payouts:batch_publish",
    "payouts:batch_cancel",
    "payouts:batch_paid",
    "payouts:item_paid",
    "reviews:decide",
    "claims:decide",
    "catalogue:on_sale",
]
CONFIRMED_PAGES = ["reviews/notice_form.html", "enforcement/sanction_new.html"]


def _templates() -> dict[str, str]:
    root = Path(settings.BASE_DIR) / "voucher"
    return {
        str(path).split("/templates/", 1)[1]: path.read_text() for path in root.glob("**/templates/**/*.html")
    }


def test_pages_irreversible_and_public_actions_ask_first():
    templates = _templates()
    asked = set()
    for name, source in templates.items():
        forms, _ = read_page(source)
        for form in forms:
            target = next((u for u in CONFIRMED if f"'{u}'" in form.action), None)
            if name in CONFIRMED_PAGES and form.method == "post" and not form.action:
                target = name
            if target:
                assert form.confirm, f"{name}: the form of {target} does not ask before acting"
                assert len(form.confirm) > 12, "the question says what will happen"
                asked.add(target)
    assert asked == set(CONFIRMED) | set(CONFIRMED_PAGES)


def test_pages_rendered_decisions_ask_first():
    """The questions reach the rendered pages of the demo year (reviews and claims decided there)."""
    seed_demo()
    pages = [f"/reviews/{pk}/" for pk in Application.objects.values_list("pk", flat=True)]
    pages += [f"/claims/{n}/" for n in Claim.objects.values_list("order__number", flat=True)]
    pages += ["/reviews/notices/new/", "/oversight/sanctions/new/"]
    asked = set()
    for page, username in [(p, u) for p in pages for u in ["admin", "reviewer1"]]:
        client = Client()
        client.force_login(User.objects.get(username=username))
        forms, _ = read_page(client.get(page).content.decode())
        for form in forms:
            action = form.action or page
            if form.method == "post" and re.search(r"/decide/$|/new/$", action):
                assert form.confirm, f"{action} does not ask before acting"
                asked.add(re.sub(r"/(reviews|claims)/[^/]+/decide/", r"/\1/N/decide/", action))
    assert asked == {
        "/reviews/N/decide/",
        "/claims/N/decide/",
        "/reviews/notices/new/",
        "/oversight/sanctions/new/",
    }
