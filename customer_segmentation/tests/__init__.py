from . import test_segment_rules
from . import test_segmentation_run
from . import test_predictions
from . import test_security
from . import test_asof_run
from . import test_reports
from . import test_pareto_chart
from . import test_sale_order
