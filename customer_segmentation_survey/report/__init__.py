from . import customer_nps_report
