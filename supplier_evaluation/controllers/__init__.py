from . import portal
from . import qualification
