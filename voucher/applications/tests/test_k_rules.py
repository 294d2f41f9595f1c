"""K1–K6: the direction rules read from the Requirement rows, checked at submission."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from voucher.applications import services
from voucher.applications.choices import CheckOutcome
from voucher.core.clock import frozen_at
from voucher.programmes.models import Requirement
from voucher.testing.applications import IN_WINDOW, prepare_provider, ready_application, submit, valid_data

pytestmark = pytest.mark.django_db
PASS, FAIL, UNKNOWN = CheckOutcome.PASS, CheckOutcome.FAIL, CheckOutcome.UNKNOWN
LLM = {
    "direction": "1",
    "cac_model_name": "智算大模型",
    "cac_filing_unit": "北京智算",
    "cac_filing_number": "Beijing-1",
}


def check(user, programme, code, *, qualifications=None, **overrides):
    prepare_provider(user, programme, qualifications=qualifications, qualification_file=True)
    application = submit(user, ready_application(user, programme, prepare=False, **overrides))
    return application.checks.get(code=code)


def test_k1_llm_product_with_cac_filing_passes(provider_user, programme_2025):
    result = check(provider_user, programme_2025, "K1", **LLM)
    assert result.outcome == PASS and result.evidence["filing_number"] == "Beijing-1"


def test_k1_llm_product_without_filing_cannot_be_saved(provider_user, programme_2025):
    with pytest.raises(ValidationError) as exc:
        services.application_create(
            actor=provider_user,
            programme=programme_2025,
            data=valid_data(provider_user.organisation, direction="1"),
            full_check=True,
        )
    assert "cac_filing_number" in exc.value.message_dict


@pytest.mark.parametrize(
    ("held", "outcome"),
    [(["iso28000"], PASS), (["miit_sme_digital_provider"], PASS), (["dcmm_assessor"], FAIL), ([], FAIL)],
)
def test_k2a_collaboration_platform_needs_miit_or_iso28000(provider_user, programme_2025, held, outcome):
    result = check(
        provider_user, programme_2025, "K2a", qualifications=held, direction="2", subtype="collaboration"
    )
    assert result.outcome == outcome


def test_k2a_does_not_apply_to_other_subtypes(provider_user, programme_2025):
    prepare_provider(provider_user, programme_2025)
    application = submit(
        provider_user,
        ready_application(provider_user, programme_2025, prepare=False, direction="2", subtype="ai_coding"),
    )
    assert not application.checks.filter(code="K2a").exists()


@pytest.mark.parametrize(("declared", "outcome"), [("ERP", PASS), ("MES", PASS), ("simulation_3d", PASS)])
def test_k2b_general_software_excludes_tool_types(provider_user, programme_2025, declared, outcome):
    result = check(
        provider_user,
        programme_2025,
        "K2b",
        direction="2",
        subtype="general_software",
        software_type=declared,
    )
    assert result.outcome == outcome


def test_k2b_declared_type_required(provider_user, programme_2025):
    with pytest.raises(ValidationError) as exc:
        services.application_create(
            actor=provider_user,
            programme=programme_2025,
            full_check=True,
            data=valid_data(provider_user.organisation, direction="2", subtype="general_software"),
        )
    assert "software_type" in exc.value.message_dict


@pytest.mark.parametrize(("held", "outcome"), [(["dcmm_assessor"], PASS), ([], FAIL)])
def test_k3_dcmm_assessor_status(provider_user, programme_2025, held, outcome):
    assert check(provider_user, programme_2025, "K3", qualifications=held, direction="3").outcome == outcome


def test_k4_enterprise_side_rules_recorded_for_marketing(provider_user, programme_2025):
    result = check(provider_user, programme_2025, "K4a", direction="4")
    assert result.outcome == PASS and "下单" in result.message


@pytest.mark.parametrize(
    ("held", "outcome"), [(["instruments_over_100"], PASS), (["cnas"], PASS), (["cma"], FAIL)]
)
def test_k5a_chip_testing_instruments_or_cnas(provider_user, programme_2025, held, outcome):
    result = check(
        provider_user, programme_2025, "K5a", qualifications=held, direction="5", product_line="testing"
    )
    assert result.outcome == outcome


@pytest.mark.parametrize(
    ("held", "outcome"),
    [(["cnas"], PASS), (["cma"], PASS), (["caca"], PASS), (["instruments_over_100"], FAIL)],
)
def test_k5b_chip_certification_cnas_cma_caca(provider_user, programme_2025, held, outcome):
    result = check(
        provider_user, programme_2025, "K5b", qualifications=held, direction="5", product_line="certification"
    )
    assert result.outcome == outcome


def test_k5_only_the_rule_of_the_product_line_applies(provider_user, programme_2025):
    prepare_provider(provider_user, programme_2025, qualifications=["cnas"])
    application = submit(
        provider_user,
        ready_application(
            provider_user, programme_2025, prepare=False, direction="5", product_line="testing"
        ),
    )
    assert set(application.checks.filter(code__startswith="K").values_list("code", flat=True)) == {"K5a"}


@pytest.mark.parametrize(("held", "outcome"), [(["cnca_approval"], PASS), ([], FAIL)])
def test_k6a_energy_certification_needs_cnca_approval(provider_user, programme_2025, held, outcome):
    result = check(
        provider_user, programme_2025, "K6a", qualifications=held, direction="6", product_line="certification"
    )
    assert result.outcome == outcome


def test_k6a_not_required_for_consulting(provider_user, programme_2025):
    prepare_provider(provider_user, programme_2025)
    application = submit(
        provider_user,
        ready_application(
            provider_user, programme_2025, prepare=False, direction="6", product_line="consulting"
        ),
    )
    assert not application.checks.filter(code="K6a").exists()
    assert application.checks.get(code="K6b").outcome == PASS


def test_k6b_one_provider_cannot_apply_for_consulting_and_certification(provider_user, programme_2025):
    prepare_provider(provider_user, programme_2025, qualifications=["cnca_approval"])
    ready_application(provider_user, programme_2025, prepare=False, direction="6", product_line="consulting")
    with frozen_at(IN_WINDOW), pytest.raises(ValidationError) as exc:
        services.application_create(
            actor=provider_user,
            programme=programme_2025,
            full_check=True,
            data=valid_data(
                provider_user.organisation,
                direction="6",
                product_line="certification",
                product_name="能源管理体系认证",
            ),
        )
    assert "不得同时申请" in exc.value.message_dict["product_line"][0]


def test_k6b_refused_at_submit_even_when_drafted_by_temp_save(provider_user, programme_2025):
    prepare_provider(provider_user, programme_2025, qualifications=["cnca_approval"])
    first = ready_application(
        provider_user, programme_2025, prepare=False, direction="6", product_line="consulting"
    )
    with frozen_at(IN_WINDOW):
        second = services.application_create(
            actor=provider_user,
            programme=programme_2025,
            data=valid_data(
                provider_user.organisation,
                direction="6",
                product_line="certification",
                product_name="能源管理体系认证",
            ),
        )
    for application in (first, second):
        with pytest.raises(ValidationError) as exc:
            submit(provider_user, application)
        assert "不得同时申请" in exc.value.message_dict["product_line"][0]
    services.application_delete(actor=provider_user, application=second)
    assert submit(provider_user, first).status == "submitted"


def test_k6b_two_consulting_products_are_fine_and_rejected_ones_do_not_count(
    provider_user, reviewer_user, programme_2025
):
    prepare_provider(provider_user, programme_2025, qualifications=["cnca_approval"])
    certification = submit(
        provider_user,
        ready_application(
            provider_user, programme_2025, prepare=False, direction="6", product_line="certification"
        ),
    )
    services.application_reject(actor=reviewer_user, application=certification, comment="资质不符")
    consulting = ready_application(
        provider_user,
        programme_2025,
        prepare=False,
        direction="6",
        product_line="consulting",
        product_name="能源管理咨询",
    )
    assert submit(provider_user, consulting).checks.get(code="K6b").outcome == PASS


def test_k_rules_follow_the_requirement_params(provider_user, programme_2025):
    requirement = Requirement.objects.get(direction__programme=programme_2025, code="K3")
    requirement.params = {"any_of": [{"code": "iso28000", "name": "ISO28000"}]}
    requirement.save()
    assert (
        check(provider_user, programme_2025, "K3", qualifications=["iso28000"], direction="3").outcome == PASS
    )


def test_k_qualification_declared_without_proof_is_required_at_submit(provider_user, programme_2025):
    prepare_provider(provider_user, programme_2025)
    with frozen_at(IN_WINDOW):
        services.dossier_update(
            actor=provider_user,
            organisation=provider_user.organisation,
            programme=programme_2025,
            data={"qualifications": ["dcmm_assessor"]},
        )
    application = ready_application(provider_user, programme_2025, prepare=False, direction="3")
    with pytest.raises(ValidationError) as exc:
        submit(provider_user, application)
    assert "material_qualifications" in exc.value.message_dict
