from . import test_winback
