{
    "name": "Supplier Evaluation: periods as jobs",
    "version": "18.0.1.0.0",
    "summary": "Run supplier back-fills and the monthly evaluation as queue jobs",
    "category": "Inventory/Purchase",
    "website": "https://github.com/segeval/odoo-supplier-customer-analytics",
    "author": "Segeval",
    "license": "LGPL-3",
    "depends": ["supplier_evaluation", "queue_job"],
    "data": [
        "security/ir.model.access.csv",
        "security/supplier_evaluation_queue_security.xml",
        "data/queue_job_data.xml",
        "views/queue_job_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
