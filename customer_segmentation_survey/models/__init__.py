from . import customer_nps_campaign
from . import customer_profile
from . import survey_user_input
