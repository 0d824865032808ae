from . import supplier_evaluation_wizard
from . import supplier_purchase_control_wizard
from . import supplier_template_whatif
from . import supplier_template_whatif_line
from . import survey_invite
