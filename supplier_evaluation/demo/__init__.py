from .history import generate_history

__all__ = ["generate_history"]
