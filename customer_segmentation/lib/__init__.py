from . import clusters, clv, crosssell, rfm, segments, tiers, transitions
