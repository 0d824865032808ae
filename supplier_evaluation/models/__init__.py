from . import supplier_evaluation_template
from . import supplier_evaluation_template_line
