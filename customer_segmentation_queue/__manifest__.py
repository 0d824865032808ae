{
    "name": "Customer Segmentation: companies as jobs",
    "version": "18.0.1.0.0",
    "summary": "Run the nightly customer segmentation as one queue job per company",
    "category": "Sales/Sales",
    "website": "https://github.com/segeval/odoo-supplier-customer-analytics",
    "author": "Segeval",
    "license": "LGPL-3",
    "depends": ["customer_segmentation", "queue_job"],
    "data": [
        "security/ir.model.access.csv",
        "security/customer_segmentation_queue_security.xml",
        "data/queue_job_data.xml",
        "views/queue_job_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
