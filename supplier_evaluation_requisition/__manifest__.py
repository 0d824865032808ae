{
    "name": "Supplier Evaluation - Calls for Tenders",
    "version": "18.0.1.0.0",
    "summary": "Grades, on-time, lead time, qualification and a best-value ranking "
    "on the alternative RFQs of a call for tenders",
    "category": "Inventory/Purchase",
    "website": "https://github.com/segeval/odoo-supplier-customer-analytics",
    "author": "Segeval",
    "license": "LGPL-3",
    "depends": ["supplier_evaluation", "purchase_requisition"],
    "data": [
        "views/purchase_order_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
