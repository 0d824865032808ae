from . import supplier_scorecard
