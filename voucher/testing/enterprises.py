"""Helpers for enterprise tests: the reference tables as rows, a small enterprise classified through the service."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings

from voucher.demo.codes import make_uscc
from voucher.enterprises.services import enterprise_classify

REFERENCE = Path(settings.BASE_DIR) / "data" / "reference"


def reference_rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def classify_small(user: Any, programme: Any, industry_code: str = "C1391", **figures: Any) -> Any:
    values = {"employees": 45, "revenue_wan": Decimal("3800"), "assets_wan": Decimal("2600"), **figures}
    return enterprise_classify(
        actor=user, organisation=user.organisation, programme=programme, industry_code=industry_code, **values
    )


# A credit-list CSV mixing valid rows and rows the preview rejects (E4).
CSV = (
    "统一社会信用代码,单位名称,类型,认定日期,来源,说明\n"
    f"{make_uscc(801)},北京甲公司,失信被执行人,2024-05-01,法院,\n"
    "91110302MA222LU88A,北京乙公司,严重失信,2024-05-01,,\n"
    f"{make_uscc(802)},,严重失信,2024-05-01,,\n"
    f"{make_uscc(803)},北京丙公司,其他,2024/5/1,,\n"
    f"{make_uscc(804)},北京丁公司,严重失信,2024-13-01,,\n"
    f"{make_uscc(805)},北京戊公司,严重失信,2023/7/9,信用中国（北京）,\n"
)
