from . import customer_segment_report
from . import customer_pareto_report
from . import customer_cohort_report
from . import customer_revenue_retention_report
