from . import customer_mailing_report
