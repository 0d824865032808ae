from .history import generate_history, plan_history

__all__ = ["generate_history", "plan_history"]
