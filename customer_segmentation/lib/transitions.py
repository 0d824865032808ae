"""Movements between states (segments or tiers) from one run to the next."""

import numpy as np


def transition_matrix(old_codes, new_codes, n_states, weights=None):
    """(n_states, n_states) counts, or sums of weights, of moves old -> new.

    Codes are state indices; negative codes (-1 = none) are ignored.
    """
    old_codes = np.asarray(old_codes, dtype=np.int64).ravel()
    new_codes = np.asarray(new_codes, dtype=np.int64).ravel()
    if old_codes.shape != new_codes.shape:
        raise ValueError("old_codes and new_codes must have the same length")
    if np.any(old_codes >= n_states) or np.any(new_codes >= n_states):
        raise ValueError("state codes must be < n_states")
    kept = (old_codes >= 0) & (new_codes >= 0)
    cells = old_codes[kept] * n_states + new_codes[kept]
    if weights is not None:
        weights = np.asarray(weights, dtype=float).ravel()[kept]
    sums = np.bincount(cells, weights=weights, minlength=n_states * n_states)
    return sums.reshape(n_states, n_states)


def downgrades(old_codes, new_codes, pairs):
    """Bool mask of customers whose (old, new) move is one of ``pairs``."""
    old_codes = np.asarray(old_codes, dtype=np.int64)
    new_codes = np.asarray(new_codes, dtype=np.int64)
    pairs = np.asarray(list(pairs), dtype=np.int64).reshape(-1, 2)
    if old_codes.shape != new_codes.shape:
        raise ValueError("old_codes and new_codes must have the same shape")
    mask = np.zeros(old_codes.shape, dtype=bool)
    if not pairs.size:
        return mask
    if np.any(pairs < 0):
        raise ValueError("downgrade pairs must be state indices >= 0")
    size = int(pairs.max()) + 1
    table = np.zeros((size, size), dtype=bool)
    table[pairs[:, 0], pairs[:, 1]] = True
    inside = (
        (old_codes >= 0) & (old_codes < size) & (new_codes >= 0) & (new_codes < size)
    )
    mask[inside] = table[old_codes[inside], new_codes[inside]]
    return mask
