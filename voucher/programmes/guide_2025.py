"""The 2025 programme as published (2025年北京市中小企业服务券工作指南, 附件2 and 2-1).

Plain data, loaded once by a data migration; later years are copies edited by admins.
Two values are not stated in the guide and are marked as such: the application start
(the guide says "指南发布之日起") and the public-notice length.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

YEAR: dict[str, Any] = {
    "year": 2025,
    "title": "2025年北京市中小企业服务券",
    "guide_reference": "2025年北京市中小企业服务券工作指南（附件2、附件2-1、附件2-2）",
    "status": "active",
    "subsidy_rate_cap": Decimal("0.3000"),
    "annual_cap_per_enterprise": Decimal("200000.00"),
    "max_service_period_months": 12,
    # Not in the guide's text: how long an enterprise may still edit its satisfaction rating.
    "rating_edit_days": 30,
    # Not in the guide's text ("指南发布之日起"); admins set the publication date.
    "application_opens_on": dt.date(2025, 4, 28),
    "application_closes_on": dt.date(2025, 5, 16),
    "review_deadline": dt.date(2025, 6, 10),
    # Not in the guide's text; the Bureau's usual notice length.
    "notice_period_days": 5,
    "last_order_day": dt.date(2025, 9, 30),
    "acceptance_working_days": 5,
    # Not in the guide's text: the platform's limit against hoarding vouchers of one product.
    "max_open_orders_per_product": 1,
    "claim_weeks_after_use": 2,
    "claim_final_date": dt.date(2025, 10, 20),
    "provider_min_years_established": 1,
    "provider_min_beijing_sme_contracts": 15,
    "provider_min_revenue": Decimal("8000000.00"),
    "credit_lookback_years": 3,
    "price_proof_months": 6,
    "price_proof_sets": 5,
    "provider_intro_min_chars": 2000,
    "product_summary_max_chars": 300,
    "pricing_basis_max_chars": 200,
    "individual_businesses_eligible": False,
    "farmer_cooperatives_eligible": False,
    "sanction_years": 3,
    # 300号第六条: industries outside the standard are classified "参照本规定"; the programme refers them
    # to the residual group (employees only).
    "uncovered_industry_group": "其他未列明行业",
}

FIELDS = [
    {"code": "digital", "name": "数智赋能", "position": 1},
    {"code": "green", "name": "绿色低碳", "position": 2},
    {"code": "fashion", "name": "高端时尚", "position": 3},
]

# K2b: the software categories of 数字化转型通用软件 (guide §二.2 "包括但不限于CAD、CAE、PLM、PLD、ERP、CRM、MES、
# APS、DNC、WMS、三维仿真、人工智能应用等") and the tool types it excludes ("仅为财务管理软件、智能通讯软件、
# 视频会议软件、在线教育、虚拟云桌面等各种工具的除外"), with the words that screen names and summaries.
K2B_PARAMS: dict[str, Any] = {
    "categories": [
        {"code": "CAD", "name": "CAD 计算机辅助设计"},
        {"code": "CAE", "name": "CAE 计算机辅助工程"},
        {"code": "PLM", "name": "PLM 产品生命周期管理"},
        {"code": "PLD", "name": "PLD 产品线设计"},
        {"code": "ERP", "name": "ERP 企业资源计划"},
        {"code": "CRM", "name": "CRM 客户关系管理"},
        {"code": "MES", "name": "MES 制造执行系统"},
        {"code": "APS", "name": "APS 高级计划与排程"},
        {"code": "DNC", "name": "DNC 分布式数控"},
        {"code": "WMS", "name": "WMS 仓储管理系统"},
        {"code": "simulation_3d", "name": "三维仿真"},
        {"code": "ai_application", "name": "人工智能应用"},
        {"code": "other", "name": "其他（请填写类别说明）"},
    ],
    "other": "other",
    "excluded": [
        {
            "code": "finance",
            "name": "财务管理软件",
            "keywords": ["财务管理", "财务软件", "记账", "报销", "会计软件"],
        },
        {
            "code": "messaging",
            "name": "智能通讯软件",
            "keywords": ["即时通讯", "智能通讯", "聊天工具", "企业微信"],
        },
        {
            "code": "video_meeting",
            "name": "视频会议软件",
            "keywords": ["视频会议", "云会议", "远程会议", "会议系统"],
        },
        {
            "code": "online_education",
            "name": "在线教育",
            "keywords": ["在线教育", "网课", "在线课程", "在线培训"],
        },
        {"code": "cloud_desktop", "name": "虚拟云桌面", "keywords": ["云桌面", "虚拟桌面"]},
    ],
    "reason": "按申报指南，数字化转型通用软件不含仅为财务管理软件、智能通讯软件、视频会议软件、在线教育、"
    "虚拟云桌面等各种工具的产品。",
}

DIRECTIONS: list[dict[str, Any]] = [
    {
        "number": 1,
        "field": "digital",
        "code": "llm",
        "name": "大模型应用",
        "description": "该类产品提供大模型部署和调用、大模型精调、开发工具链、数据治理等服务。大模型产品应经中央网信办备案。",
        "requirements": [
            {
                "code": "K1",
                "kind": "cac_filing",
                "title": "大模型产品须经中央网信办备案",
                "description": "大模型产品应经中央网信办备案。申请表填写备案的模型名称、备案单位、备案号，并提供备案截图或文件。",
                "params": {"fields": ["model_name", "filing_unit", "filing_number"]},
            }
        ],
    },
    {
        "number": 2,
        "field": "digital",
        "code": "transformation",
        "name": "数智转型系统",
        "description": "包括协同管理平台、人工智能辅助编程系统、数字化转型通用软件三类。",
        "subtypes": [
            {
                "code": "collaboration",
                "name": "协同管理平台",
                "description": "提供覆盖生产制造、办公协同、供应链管理等业务场景的全链路解决方案。",
            },
            {
                "code": "ai_coding",
                "name": "人工智能辅助编程系统",
                "description": "可实现代码自动生成、自动补全、错误检测、代码优化等功能。",
            },
            {
                "code": "general_software",
                "name": "数字化转型通用软件",
                "description": "围绕企业研发设计、经营管理、生产制造等业务环节提供软件产品或集成服务，包括但不限于CAD、CAE、PLM、PLD、ERP、CRM、MES、APS、DNC、WMS、三维仿真、人工智能应用等。",
            },
        ],
        "requirements": [
            {
                "code": "K2a",
                "subtype": "collaboration",
                "kind": "provider_qualification",
                "title": "服务商须具备工信部“中小企业数字化服务商”资质或ISO28000认证",
                "description": "服务商应拥有工信部“中小企业数字化服务商”资质或者通过ISO28000供应链安全管理体系认证。",
                "params": {
                    "any_of": [
                        {"code": "miit_sme_digital_provider", "name": "工信部“中小企业数字化服务商”"},
                        {"code": "iso28000", "name": "ISO28000供应链安全管理体系认证"},
                    ]
                },
            },
            {
                "code": "K2b",
                "subtype": "general_software",
                "kind": "excluded_product_types",
                "title": "仅为财务管理、智能通讯、视频会议、在线教育、虚拟云桌面等工具的除外",
                "description": "仅为财务管理软件、智能通讯软件、视频会议软件、在线教育、虚拟云桌面等各种工具的除外。",
                "params": K2B_PARAMS,
            },
        ],
    },
    {
        "number": 3,
        "field": "digital",
        "code": "dcmm",
        "name": "数据管理能力成熟度评估（DCMM）",
        "description": "通过贯标评估，支持中小微企业达到DCMM二级认证及以上水平。服务商应具有DCMM评估机构资质。",
        "requirements": [
            {
                "code": "K3",
                "kind": "provider_qualification",
                "title": "服务商须具有DCMM评估机构资质",
                "description": "服务商应具有DCMM评估机构资质。",
                "params": {"any_of": [{"code": "dcmm_assessor", "name": "DCMM评估机构资质"}]},
            }
        ],
    },
    {
        "number": 4,
        "field": "digital",
        "code": "marketing",
        "name": "数字化营销",
        "description": "通过流量推送、广告投放以及技术支持等方式为企业提供“短视频、直播带货”等宣传推广服务，扩大产品知名度和影响力（仅面向北京市农产品加工企业）。",
        "requirements": [
            {
                "code": "K4a",
                "kind": "enterprise_industry",
                "title": "仅限从事农副食品加工、食品制造以及葡萄酒制造的中小微企业",
                "description": "符合《国民经济行业分类(GB/T 4754-2017)》标准中C13、C14和C1515代码的中小微企业；按主营业务（占比超过50%的业务）判定。",
                "params": {"gbt4754_codes": ["C13", "C14", "C1515"]},
            },
            {
                "code": "K4b",
                "kind": "own_brand_only",
                "title": "仅限本企业生产制造的自有品牌或产品",
                "description": "仅限于本企业生产制造的自有品牌或产品实际使用，不包括为其他企业代工生产的产品。",
                "params": {},
            },
        ],
    },
    {
        "number": 5,
        "field": "digital",
        "code": "chip",
        "name": "芯片测试和认证",
        "description": "利用自有技术及设备为集成电路设计企业提供晶圆（CP）、芯片成品（FT）的测试和程序开发服务，或芯片失效分析等服务；提供芯片可靠性测试认证、功能安全认证服务。",
        "requirements": [
            {
                "code": "K5a",
                "kind": "provider_qualification",
                "title": "芯片测试服务商须配置超过100台套设备和仪器仪表，或具备CNAS证书",
                "description": "芯片测试服务商需配置超过100台套设备和仪器仪表，或具备CNAS证书。",
                "params": {
                    "product_line": {"code": "testing", "name": "芯片测试"},
                    "any_of": [
                        {"code": "instruments_over_100", "name": "超过100台套设备和仪器仪表"},
                        {"code": "cnas", "name": "CNAS证书"},
                    ],
                },
            },
            {
                "code": "K5b",
                "kind": "provider_qualification",
                "title": "芯片认证服务商须具备CNAS/CMA/CACA等第三方测试资质",
                "description": "芯片认证服务商需具备CNAS/CMA/CACA等第三方测试资质。",
                "params": {
                    "product_line": {"code": "certification", "name": "芯片认证"},
                    "any_of": [
                        {"code": "cnas", "name": "CNAS"},
                        {"code": "cma", "name": "CMA"},
                        {"code": "caca", "name": "CACA"},
                    ],
                },
            },
        ],
    },
    {
        "number": 6,
        "field": "green",
        "code": "energy_management",
        "name": "能源管理体系建设咨询和认证",
        "description": "咨询产品提供现状评估、标准解读与培训、体系策划与设计、文件编制与完善等服务；认证产品依据ISO50001、GB/T 23331对企业能源管理体系进行认证。",
        "requirements": [
            {
                "code": "K6a",
                "kind": "provider_qualification",
                "title": "认证服务商须取得国家认监委颁发的认证机构批准书",
                "description": "认证服务商应取得国家认证认可监督管理委员会颁发的认证机构批准书。",
                "params": {
                    "product_line": {"code": "certification", "name": "认证"},
                    "any_of": [{"code": "cnca_approval", "name": "国家认监委认证机构批准书"}],
                },
            },
            {
                "code": "K6b",
                "kind": "exclusive_product_lines",
                "title": "同一个服务商不得同时申请咨询和认证产品",
                "description": "同一个服务商不得同时申请咨询和认证产品。",
                "params": {
                    "lines": [
                        {"code": "consulting", "name": "咨询"},
                        {"code": "certification", "name": "认证"},
                    ]
                },
            },
        ],
    },
    {
        "number": 7,
        "field": "green",
        "code": "energy_audit",
        "name": "能源审计",
        "description": "从企业能源管理状况、能源计量及统计现状、能源消耗状况分析、节能效果与潜力分析、节能改进建议、审计结论等方面编制能源审计报告。",
    },
    {
        "number": 8,
        "field": "green",
        "code": "carbon_footprint",
        "name": "碳足迹认证",
        "description": "依据ISO/TS 14067等标准和规范，对企业产品全生命周期温室气体排放量进行核算、评估，出具报告或声明等文件。",
    },
    {
        "number": 9,
        "field": "fashion",
        "code": "industrial_design",
        "name": "工业设计",
        "description": "在产品销售和品牌建设环节，为企业提供外观、结构、包装、LOGO、品牌等多方面的设计服务。",
    },
]
