{
    "name": "Customer Segmentation - CRM",
    "version": "18.0.1.0.0",
    "summary": "Win-back opportunities when a customer moves down to an alert segment",
    "category": "Sales/CRM",
    "website": "https://github.com/segeval/odoo-supplier-customer-analytics",
    "author": "Segeval",
    "license": "LGPL-3",
    "depends": ["customer_segmentation", "crm"],
    "data": [
        "data/crm_lost_reason_data.xml",
        "views/customer_segment_scheme_views.xml",
        "views/crm_lead_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
