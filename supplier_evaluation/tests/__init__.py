from . import test_evaluation_template
from . import test_scorecard
from . import test_supplier_certificate
from . import test_alerts_and_control
from . import test_portal
from . import test_supplier_reports
from . import test_security
from . import test_engine_records
