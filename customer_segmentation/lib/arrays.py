"""Array helpers where numpy's own are slow on a run's sizes."""

import numpy as np


def distinct(values):
    """The sorted distinct values of an integer array, as ``np.unique(values)``.

    numpy 2.3 and later answer a bare ``np.unique`` (no index, inverse or counts
    asked) with a hash table: on 10^6 int64 keys that is 10-50x slower than the
    sort it used before (3 s instead of 0.07 s for a run's customer-product pairs).
    """
    values = np.sort(np.asarray(values).ravel())
    if values.size:
        values = values[np.concatenate(([True], values[1:] != values[:-1]))]
    return values
