"""The codes the supplier evaluation speaks in, each defined once.

Codes with their English labels, as Odoo selections take them (Odoo translates the
labels of a selection field; the libs only ever return the codes).
"""

# Scorecard criteria, in the order of the scorecard's columns.
CRITERIA = [
    ("on_time", "On-time delivery"),
    ("in_full", "In full"),
    ("quality", "Quality acceptance"),
    ("price", "Price competitiveness"),
    ("lead_time", "Lead time"),
    ("lead_time_std", "Lead time spread"),
    ("service", "Service (rating)"),
    ("communication", "Communication (rating)"),
    ("cooperation", "Cooperation (rating)"),
]
CRITERION_CODES = tuple(code for code, _label in CRITERIA)
# criterion -> the scorecard's column of its raw figure, and of its score 0-100
RAW_FIELDS = {
    "on_time": "on_time_rate",
    "in_full": "in_full_rate",
    "quality": "quality_rate",
    "price": "price_index",
    "lead_time": "lead_time_avg",
    "lead_time_std": "lead_time_std",
    "service": "service_rating",
    "communication": "communication_rating",
    "cooperation": "cooperation_rating",
}
SCORE_FIELDS = {criterion: f"score_{criterion}" for criterion in RAW_FIELDS}
# Criteria figured from buyers' ratings (1-5) rather than from orders and moves.
RATING_CRITERIA = ("service", "communication", "cooperation")

GRADES = [("A", "A"), ("B", "B"), ("C", "C")]

# Kraljic quadrants: (high impact, high risk), (high, low), (low, high), (low, low).
KRALJIC_CLASSES = [
    ("strategic", "Strategic"),
    ("leverage", "Leverage"),
    ("bottleneck", "Bottleneck"),
    ("routine", "Routine"),
]
KRALJIC_CODES = tuple(code for code, _label in KRALJIC_CLASSES)
# The class of a supplier nobody classified.
DEFAULT_KRALJIC_CLASS = "routine"

# Clustering features: (scorecard column, higher is better), in the order of the
# feature matrix; the models word them.
CLUSTER_FEATURES = [
    ("on_time_rate", True),
    ("quality_rate", True),
    ("price_index", False),
    ("lead_time_avg", False),
    ("lead_time_std", False),
    ("total_score", True),
]

# The group of the internal evaluation (not for employees outside purchasing): the
# groups= of the fields an addon adds to Odoo's models.
EVALUATION_GROUP = "supplier_evaluation.supplier_evaluation_group_user"
