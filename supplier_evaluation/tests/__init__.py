from . import test_evaluation_template
