from . import customer_segmentation_run
