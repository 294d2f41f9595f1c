"""Oversight pages (/oversight/): sanctions and their cases, the party's 处理记录, clawbacks with repayments
and waivers, and spot checks with inspectors, findings and the verification of the draw.
"""

from voucher.enforcement.views.clawbacks import (
    clawback_detail,
    clawback_evidence,
    clawback_list,
    clawback_new,
    clawback_repay,
    clawback_report,
    clawback_waive,
)
from voucher.enforcement.views.overview import (
    index,
    records,
)
from voucher.enforcement.views.sanctions import (
    case_detail,
    product_resume_view,
    sanction_detail,
    sanction_lift,
    sanction_list,
    sanction_new,
)
from voucher.enforcement.views.spot_checks import (
    spot_check_assign,
    spot_check_detail,
    spot_check_finding,
    spot_check_list,
    spot_check_new,
    spot_check_verify_view,
)

__all__ = [
    "case_detail",
    "clawback_detail",
    "clawback_evidence",
    "clawback_list",
    "clawback_new",
    "clawback_repay",
    "clawback_report",
    "clawback_waive",
    "index",
    "product_resume_view",
    "records",
    "sanction_detail",
    "sanction_lift",
    "sanction_list",
    "sanction_new",
    "spot_check_assign",
    "spot_check_detail",
    "spot_check_finding",
    "spot_check_list",
    "spot_check_new",
    "spot_check_verify_view",
]
