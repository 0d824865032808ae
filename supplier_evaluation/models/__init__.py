from . import supplier_evaluation_template
from . import supplier_evaluation_template_line
from . import res_company
from . import res_config_settings
from . import res_partner
from . import supplier_rating
from . import supplier_scorecard
