from . import customer_mailing_wizard
