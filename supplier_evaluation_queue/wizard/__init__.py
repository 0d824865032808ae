from . import supplier_evaluation_wizard
