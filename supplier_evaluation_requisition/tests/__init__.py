from . import test_selection
