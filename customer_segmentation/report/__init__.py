from . import customer_segment_report
from . import customer_pareto_report
