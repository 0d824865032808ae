from . import crm_lead
from . import customer_segment
from . import customer_segmentation_run
from . import sale_order
