from . import test_segment_rules
