from . import test_evaluation_template
from . import test_scorecard
from . import test_supplier_certificate
