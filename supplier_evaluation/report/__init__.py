from . import supplier_scorecard_report
from . import supplier_spend_grade_report
