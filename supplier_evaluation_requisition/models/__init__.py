from . import res_company
from . import res_config_settings
from . import purchase_order
from . import purchase_order_line
