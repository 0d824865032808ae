{
    "name": "Customer Segmentation - Surveys",
    "version": "18.0.1.0.0",
    "summary": "Periodic NPS surveys to a segment or tier, last score per customer and "
    "NPS per segment and tier",
    "category": "Marketing/Surveys",
    "website": "https://github.com/segeval/odoo-supplier-customer-analytics",
    "author": "Segeval",
    "license": "LGPL-3",
    "depends": ["customer_segmentation", "survey"],
    "data": [
        "security/ir.model.access.csv",
        "security/customer_nps_security.xml",
        "data/ir_cron_data.xml",
        "views/customer_nps_campaign_views.xml",
        "report/customer_nps_report_views.xml",
        "views/customer_profile_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
