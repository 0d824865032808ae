from . import test_segment_rules
from . import test_segmentation_run
