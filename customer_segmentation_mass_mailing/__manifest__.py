{
    "name": "Customer Segmentation - Email Marketing",
    "version": "18.0.1.0.0",
    "summary": "Send a mailing to a customer segment, tier or cluster, and see its "
    "results per segment",
    "category": "Marketing/Email Marketing",
    "website": "https://github.com/segeval/odoo-supplier-customer-analytics",
    "author": "Segeval",
    "license": "LGPL-3",
    "depends": ["customer_segmentation", "mass_mailing"],
    "data": [
        "security/ir.model.access.csv",
        "security/customer_mailing_security.xml",
        "wizard/customer_mailing_wizard_views.xml",
        "report/customer_mailing_report_views.xml",
        "views/mailing_mailing_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
