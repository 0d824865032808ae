from . import customer_segment_scheme
from . import customer_segment
