from . import rfm, segments, tiers, transitions
