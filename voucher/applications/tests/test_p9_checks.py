"""P9: automatic provider conditions computed at submission, each at its threshold, with evidence."""

from __future__ import annotations

import datetime as dt

import pytest

from voucher.applications.choices import CheckOutcome
from voucher.testing.applications import IN_WINDOW, prepare_provider, ready_application, submit

pytestmark = pytest.mark.django_db
PASS, FAIL, UNKNOWN = CheckOutcome.PASS, CheckOutcome.FAIL, CheckOutcome.UNKNOWN


def checks(application):
    return {c.code: c for c in application.checks.all()}


def submitted_with(user, programme, *, prepare_kwargs=None, **overrides):
    prepare_provider(user, programme, **(prepare_kwargs or {}))
    return submit(user, ready_application(user, programme, prepare=False, **overrides))


def test_p9_all_checks_pass_for_a_provider_meeting_every_condition(provider_user, programme_2025):
    result = checks(submitted_with(provider_user, programme_2025))
    assert {code: c.outcome for code, c in result.items()} == {
        "P9-1": PASS,
        "P9-3": PASS,
        "P9-4a": PASS,
        "P9-4b": PASS,
        "P9-5": PASS,
        "P9-6": PASS,
    }


@pytest.mark.parametrize(
    ("established", "outcome"),
    [(dt.date(2024, 5, 6), PASS), (dt.date(2024, 5, 7), FAIL)],  # exactly one year on 2025-05-06 passes
)
def test_p9_established_at_least_one_year(provider_user, programme_2025, established, outcome):
    application = ready_application(provider_user, programme_2025)
    organisation = provider_user.organisation
    organisation.established_on = established
    organisation.save()
    check = checks(submit(provider_user, application))["P9-1"]
    assert check.outcome == outcome
    assert check.evidence["成立日期"] == established.isoformat()


@pytest.mark.parametrize(("contracts", "outcome"), [(15, PASS), (14, FAIL)])
def test_p9_last_year_beijing_sme_contracts_threshold(provider_user, programme_2025, contracts, outcome):
    application = submitted_with(provider_user, programme_2025, prepare_kwargs={"contracts": contracts})
    check = checks(application)["P9-4a"]
    assert check.outcome == outcome
    assert check.evidence["录入合同清单（上年度）"] == contracts


def test_p9_contract_count_uses_the_threshold_of_the_year(provider_user, programme_2025):
    programme_2025.provider_min_beijing_sme_contracts = 16
    programme_2025.save()
    assert checks(submitted_with(provider_user, programme_2025))["P9-4a"].outcome == FAIL


@pytest.mark.parametrize(("revenue", "outcome"), [("800", PASS), ("799.99", FAIL)])
def test_p9_revenue_threshold(provider_user, programme_2025, revenue, outcome):
    application = submitted_with(provider_user, programme_2025, prepare_kwargs={"revenue_wan": revenue})
    assert checks(application)["P9-4b"].outcome == outcome


def test_p9_revenue_unknown_without_data(provider_user, programme_2025):
    application = submitted_with(provider_user, programme_2025, prepare_kwargs={"revenue_wan": ""})
    assert checks(application)["P9-4b"].outcome == UNKNOWN


@pytest.mark.parametrize(("price", "outcome"), [("100000", PASS), ("100000.01", FAIL)])
def test_p9_price_not_above_the_average_of_recent_deals(provider_user, programme_2025, price, outcome):
    # deals: 100000, 110000, 90000, 100000, 100000 → average 100000.00
    check = checks(submitted_with(provider_user, programme_2025, price_amount=price))["P9-6"]
    assert check.outcome == outcome
    assert check.evidence["平均成交价格（元）"] == "100000.00"


def test_p9_price_ignores_deals_older_than_the_window(provider_user, programme_2025):
    deals = [
        {"transacted_on": dt.date(2024, 11, 5), "amount": "500000"},  # older than 6 months before 2025-05-06
        {"transacted_on": dt.date(2025, 3, 1), "amount": "80000"},
    ]
    check = checks(submitted_with(provider_user, programme_2025, price_transactions=deals))["P9-6"]
    assert check.evidence["区间内成交笔数"] == 1
    assert check.outcome == FAIL


def test_p9_price_unknown_without_deals(provider_user, programme_2025):
    check = checks(submitted_with(provider_user, programme_2025, price_transactions=[]))["P9-6"]
    assert check.outcome == UNKNOWN


def test_p9_credit_uses_the_shared_checker(provider_user, programme_2025):
    from voucher.core import clock
    from voucher.enterprises.models import CreditCheck, CreditListEntry

    CreditListEntry.objects.create(
        uscc=provider_user.organisation.uscc,
        name=provider_user.organisation.name,
        kind="dishonest_debtor",
        recorded_on=dt.date(2024, 1, 1),
        created_at=clock.now(),
    )
    check = checks(submitted_with(provider_user, programme_2025))["P9-3"]
    assert check.outcome == FAIL
    record = CreditCheck.objects.get(pk=check.evidence["核查记录"])
    assert record.context == "application"


def test_p9_credit_passes_with_a_clean_record(provider_user, programme_2025):
    assert checks(submitted_with(provider_user, programme_2025))["P9-3"].outcome == PASS


def test_p9_ip_sales_needs_a_declaration_and_proof(provider_user, programme_2025):
    check = checks(submitted_with(provider_user, programme_2025, has_ip=False, has_sales_system=True))["P9-5"]
    assert check.outcome == PASS
    assert "销售体系" in check.evidence["申报情况"]


def test_p10_priority_score_is_the_high_growth_client_count(provider_user, programme_2025, other_provider):
    from voucher.applications.selectors import application_list
    from voucher.testing.factories import UserFactory

    low = submitted_with(provider_user, programme_2025, high_growth_count="2")
    high = submitted_with(other_provider, programme_2025, high_growth_count="9")
    assert (low.priority_score, high.priority_score) == (2, 9)
    reviewer = UserFactory(reviewer=True)
    assert list(application_list(reviewer)) == [high, low]


def test_p1_beijing_operating_address_required_when_registered_outside(provider_user, programme_2025):
    from django.core.exceptions import ValidationError

    application = ready_application(provider_user, programme_2025)
    organisation = provider_user.organisation
    organisation.registered_address = "天津市滨海新区某路1号"
    organisation.operating_address = ""
    organisation.save()
    with pytest.raises(ValidationError) as exc:
        submit(provider_user, application)
    assert "北京市内的经营地址" in exc.value.message_dict["organisation"][0]
    organisation.operating_address = "北京市朝阳区某路2号"
    organisation.save()
    assert submit(provider_user, application).status == "submitted"


def test_p5_introduction_minimum_length_from_the_year(provider_user, programme_2025):
    from django.core.exceptions import ValidationError

    from voucher.applications import services
    from voucher.core.clock import frozen_at

    application = ready_application(provider_user, programme_2025)
    with frozen_at(IN_WINDOW):
        services.dossier_update(
            actor=provider_user,
            organisation=provider_user.organisation,
            programme=programme_2025,
            data={"introduction": "介" * 1999},
        )
    with pytest.raises(ValidationError) as exc:
        submit(provider_user, application)
    assert "1999" in exc.value.message_dict["introduction"][0]
