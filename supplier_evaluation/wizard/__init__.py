from . import supplier_evaluation_wizard
from . import supplier_purchase_control_wizard
from . import survey_invite
