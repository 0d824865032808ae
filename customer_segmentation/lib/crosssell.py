"""Cross-sell rules per customer group: "customers who buy A also buy B".

Pure numpy + scipy.sparse (no Odoo imports). The unit is the *customer*,
not the order: a customer "bought A" if A appears in any of their purchases
in the analysed window, and counts are numbers of customers.

Typical use::

    rules = pair_stats(customer, product, group=segment_of_pair,
                       min_customers=10, max_products=300)
    recs = recommend(products_per_customer, rules, top_n=3,
                     customer_group=segment_of_customer)
    # -> "bought by 62% of Champions who buy X (lift 3.1)"
"""

import numpy as np
from scipy import sparse

from .arrays import distinct

# candidate rows per block in recommend()
_BLOCK_ROWS = 1 << 20

RULE_KEYS = (
    "group",
    "a",
    "b",
    "n_group",
    "n_a",
    "n_b",
    "n_ab",
    "support",
    "confidence",
    "lift",
)


def _pairs(customer, product, group=None):
    customer = np.asarray(customer).ravel()
    product = np.asarray(product).ravel()
    if customer.shape != product.shape:
        raise ValueError("customer and product must have the same length")
    if group is None:
        group = np.zeros(customer.shape[0], dtype=np.int64)
    else:
        group = np.asarray(group).ravel()
        if group.shape != customer.shape:
            raise ValueError("group must have one entry per (customer, product) pair")
    return customer, product, group


def top_products(customer, product, max_products):
    """The ``max_products`` products bought by the most distinct customers.

    Returns the product ids, most bought first (ties: smaller id first).
    """
    customer, product, _ = _pairs(customer, product)
    max_products = int(max_products)
    if customer.size == 0 or max_products <= 0:
        return product[:0]
    _, c_idx = np.unique(customer, return_inverse=True)
    products, p_idx = np.unique(product, return_inverse=True)
    p_idx = p_idx.reshape(-1)
    pairs = distinct(c_idx.reshape(-1).astype(np.int64) * products.size + p_idx)
    n_customers = np.bincount(pairs % products.size, minlength=products.size)
    order = np.lexsort((np.arange(products.size), -n_customers))
    return products[order[:max_products]]


def _empty_rules(group_dtype, product_dtype):
    out = {
        "group": np.zeros(0, dtype=group_dtype),
        "a": np.zeros(0, dtype=product_dtype),
        "b": np.zeros(0, dtype=product_dtype),
    }
    for key in ("n_group", "n_a", "n_b", "n_ab"):
        out[key] = np.zeros(0, dtype=np.int64)
    for key in ("support", "confidence", "lift"):
        out[key] = np.zeros(0)
    return out


def pair_stats(customer, product, group=None, min_customers=5, max_products=None):
    """Association statistics of ordered product pairs (A, B), per group.

    Inputs are parallel arrays of purchase pairs (duplicates allowed, they
    are removed): ``customer``, ``product`` and, optionally, ``group`` (the
    segment of the customer; a customer listed in two groups counts in
    both). Within each group g, with n_g = number of its customers who
    bought anything in the data:

    * n_a, n_b: customers of g who bought A, resp. B; n_ab: bought both;
    * support = n_ab / n_g; confidence = n_ab / n_a (share of A-buyers who
      also buy B); lift = confidence / (n_b / n_g).

    Only pairs with lift > 1 and n_ab >= ``min_customers`` are kept. With
    ``max_products``, each group only considers its ``max_products`` most
    bought products (n_g is still counted over all products); this bounds
    the co-occurrence work, which is a sparse product M^T M of the
    customer x product incidence matrix (all groups at once, block-diagonal).

    Returns a dict of parallel arrays (keys ``RULE_KEYS``): group, a, b,
    n_group, n_a, n_b, n_ab, support, confidence, lift; sorted by group,
    then a, then confidence and lift descending, then b.
    """
    customer, product, group = _pairs(customer, product, group)
    min_customers = max(1, int(min_customers))
    if customer.size == 0:
        return _empty_rules(group.dtype, product.dtype)
    groups, g_idx = np.unique(group, return_inverse=True)
    products, p_idx = np.unique(product, return_inverse=True)
    _, c_idx = np.unique(customer, return_inverse=True)
    g_idx, p_idx, c_idx = (
        v.reshape(-1).astype(np.int64) for v in (g_idx, p_idx, c_idx)
    )
    n_p = products.size
    n_c = int(c_idx.max()) + 1
    # one row per (group, customer) unit; one column per (group, product)
    unit = g_idx * n_c + c_idx
    units, u_idx = np.unique(unit, return_inverse=True)
    u_idx = u_idx.reshape(-1)
    n_group = np.bincount(units // n_c, minlength=groups.size)
    col = g_idx * n_p + p_idx
    cells = distinct(u_idx.astype(np.int64) * (groups.size * n_p) + col)
    rows, cols = cells // (groups.size * n_p), cells % (groups.size * n_p)
    n_buyers = np.bincount(
        cols, minlength=groups.size * n_p
    )  # n_a per (group, product)
    keep_col = (
        n_buyers >= min_customers
    )  # n_ab <= min(n_a, n_b): others can never qualify
    if max_products is not None:
        # rank of each product within its group by number of buyers (ties: product
        # order)
        per_group = n_buyers.reshape(groups.size, n_p)
        order = np.lexsort(
            (np.broadcast_to(np.arange(n_p), per_group.shape), -per_group), axis=1
        )
        rank = np.empty_like(order)
        np.put_along_axis(
            rank, order, np.arange(n_p)[None, :].repeat(groups.size, 0), axis=1
        )
        keep_col &= rank.reshape(-1) < int(max_products)
    kept = keep_col[cols]
    rows, cols = rows[kept], cols[kept]
    if rows.size == 0:
        return _empty_rules(groups.dtype, products.dtype)
    # compress the kept columns
    used_cols, col_c = np.unique(cols, return_inverse=True)
    col_c = col_c.reshape(-1)
    incidence = sparse.csr_matrix(
        (np.ones(rows.size, dtype=np.int64), (rows, col_c)),
        shape=(units.size, used_cols.size),
    )
    co = (incidence.T @ incidence).tocoo()  # block-diagonal: pairs within a group only
    i, j, n_ab = (
        co.row.astype(np.int64),
        co.col.astype(np.int64),
        co.data.astype(np.int64),
    )
    sel = (i != j) & (n_ab >= min_customers)
    i, j, n_ab = i[sel], j[sel], n_ab[sel]
    ci, cj = used_cols[i], used_cols[j]
    g = ci // n_p
    n_a = n_buyers[ci]
    n_b = n_buyers[cj]
    n_g = n_group[g]
    support = n_ab / n_g
    confidence = n_ab / n_a
    lift = confidence / (n_b / n_g)
    # integer test of lift > 1 (n_ab * n_g > n_a * n_b): no rounding surprises
    sel = n_ab * n_g > n_a * n_b
    order = np.lexsort(
        (cj[sel] % n_p, -lift[sel], -confidence[sel], ci[sel] % n_p, g[sel])
    )
    idx = np.flatnonzero(sel)[order]
    return {
        "group": groups[g[idx]],
        "a": products[ci[idx] % n_p],
        "b": products[cj[idx] % n_p],
        "n_group": n_g[idx].astype(np.int64),
        "n_a": n_a[idx].astype(np.int64),
        "n_b": n_b[idx].astype(np.int64),
        "n_ab": n_ab[idx],
        "support": support[idx],
        "confidence": confidence[idx],
        "lift": lift[idx],
    }


def best_pairs(rules, per_product):
    """The first ``per_product`` rules of each (group, A) of :func:`pair_stats`'
    output (sorted best first within each): a product's best companions."""
    n = len(rules["a"])
    if not n:
        return rules
    key_change = np.ones(n, dtype=bool)
    key_change[1:] = (rules["group"][1:] != rules["group"][:-1]) | (
        rules["a"][1:] != rules["a"][:-1]
    )
    starts = np.flatnonzero(key_change)
    rank = np.arange(n) - np.repeat(starts, np.diff(np.append(starts, n)))
    keep = rank < int(per_product)
    return {key: np.asarray(values)[keep] for key, values in rules.items()}


def recommend(customer_products, rules, top_n=3, customer_group=None):
    """Top cross-sell products for each customer, with the reason.

    ``customer_products``: sequence with, per customer, an array of the
    products they bought. ``rules``: output of :func:`pair_stats`.
    ``customer_group``: the group of each customer (same labels as
    ``rules["group"]``); only the rules of that group apply. Without it all
    rules apply to everyone (one group).

    For each customer, every candidate B (never bought by that customer) is
    scored by its best rule (A, B) over the A's the customer did buy -- the
    highest confidence, then lift, then smallest A -- and the ``top_n``
    candidates with the best (confidence, lift) are returned, ties broken by
    product order.

    Returns a dict of parallel arrays, sorted by customer then rank:
    ``customer`` (index into ``customer_products``), ``rank`` (1..top_n),
    ``product`` (B), ``because`` (A), ``confidence``, ``lift``, ``n_ab`` and
    ``group``: enough to say "bought by 62% of <group> who buy <A> (lift 3.1)".
    """
    top_n = int(top_n)
    n_customers = len(customer_products)
    lengths = np.fromiter(
        (len(np.asarray(p).ravel()) for p in customer_products),
        dtype=np.int64,
        count=n_customers,
    )
    flat = (
        np.concatenate([np.asarray(p).ravel() for p in customer_products])
        if n_customers and lengths.sum()
        else np.zeros(0, dtype=np.asarray(rules["a"]).dtype)
    )
    owner = np.repeat(np.arange(n_customers, dtype=np.int64), lengths)
    r_group = np.asarray(rules["group"])
    r_a, r_b = np.asarray(rules["a"]), np.asarray(rules["b"])
    r_conf = np.asarray(rules["confidence"], dtype=float)
    r_lift = np.asarray(rules["lift"], dtype=float)
    r_nab = np.asarray(rules["n_ab"], dtype=np.int64)
    empty = {
        "customer": np.zeros(0, dtype=np.int64),
        "rank": np.zeros(0, dtype=np.int64),
        "product": r_b[:0],
        "because": r_a[:0],
        "confidence": np.zeros(0),
        "lift": np.zeros(0),
        "n_ab": np.zeros(0, dtype=np.int64),
        "group": r_group[:0],
    }
    if top_n <= 0 or r_a.size == 0 or flat.size == 0:
        return empty
    # integer codes for products and groups
    products = distinct(np.concatenate([flat, r_a, r_b]))

    def code(values):
        return np.searchsorted(products, values).astype(np.int64)

    n_p = products.size
    f_prod, ra, rb = code(flat), code(r_a), code(r_b)
    if customer_group is None:
        rg = np.zeros(r_a.size, dtype=np.int64)
        cg = np.zeros(n_customers, dtype=np.int64)
    else:
        customer_group = np.asarray(customer_group).ravel()
        if customer_group.shape[0] != n_customers:
            raise ValueError("customer_group must have one entry per customer")
        groups = distinct(np.concatenate([customer_group, r_group]))
        rg = np.searchsorted(groups, r_group).astype(np.int64)
        cg = np.searchsorted(groups, customer_group).astype(np.int64)
    # deduplicate each customer's products
    key = distinct(owner * n_p + f_prod)
    owner, f_prod = key // n_p, key % n_p
    f_grp = cg[owner]
    basket = np.bincount(owner, minlength=n_customers)
    # rules sorted by (group, a, best first, b): the candidate order per A;
    # a (group, a, b) listed twice (e.g. several groups merged when
    # customer_group is None) keeps its best entry only
    r_order = np.lexsort((rb, -r_lift, -r_conf, ra, rg))
    dedup = np.lexsort((np.arange(r_order.size), rb[r_order], ra[r_order], rg[r_order]))
    first_of = np.ones(dedup.size, dtype=bool)
    keys = (rg[r_order][dedup] * n_p + ra[r_order][dedup]) * n_p + rb[r_order][dedup]
    first_of[1:] = keys[1:] != keys[:-1]
    r_order = r_order[np.sort(dedup[first_of])]
    rg, ra, rb = rg[r_order], ra[r_order], rb[r_order]
    r_conf, r_lift, r_nab = r_conf[r_order], r_lift[r_order], r_nab[r_order]
    r_label = r_group[r_order]
    ga_key = rg * n_p + ra
    first = np.searchsorted(ga_key, f_grp * n_p + f_prod, side="left")
    last = np.searchsorted(ga_key, f_grp * n_p + f_prod, side="right")
    # Exact pruning: a rule ranked below top_n + |basket| - 1 in its A's list
    # has at least top_n better candidates not in the basket, so it can
    # never make the customer's top_n.
    take = np.maximum(np.minimum(last - first, top_n + basket[owner] - 1), 0)
    if int(take.sum()) == 0:
        return empty
    n_r = r_conf.size
    # quality order of the rules: confidence desc, lift desc, then a (for
    # "best rule per B") -- and a dense rank of (confidence, lift) alone
    by_quality = np.lexsort((ra, -r_lift, -r_conf))
    quality = np.empty(n_r, dtype=np.int64)
    quality[by_quality] = np.arange(n_r)
    step = np.ones(n_r, dtype=bool)
    step[1:] = (r_conf[by_quality][1:] != r_conf[by_quality][:-1]) | (
        r_lift[by_quality][1:] != r_lift[by_quality][:-1]
    )
    cl_rank = np.empty(n_r, dtype=np.int64)
    cl_rank[by_quality] = np.cumsum(step) - 1
    rules_sorted = (ra, rb, r_conf, r_lift, quality, by_quality, cl_rank)
    # customers are processed in blocks of about _BLOCK_ROWS candidate rows:
    # same result, but the temporaries stay small (large fresh arrays cost
    # page faults) and memory stays bounded
    cum = np.cumsum(take)
    item_cuts = np.searchsorted(cum, np.arange(_BLOCK_ROWS, int(cum[-1]), _BLOCK_ROWS))
    cust_cuts = distinct(
        np.concatenate((owner[np.minimum(item_cuts, owner.size - 1)], [n_customers]))
    )
    item_bounds = np.searchsorted(owner, cust_cuts)  # items of customers < cut
    parts = []
    lo = 0
    for hi in item_bounds:
        if hi > lo:
            parts.append(
                _recommend_block(
                    owner[lo:hi],
                    f_prod[lo:hi],
                    first[lo:hi],
                    take[lo:hi],
                    n_p,
                    n_customers,
                    top_n,
                    rules_sorted,
                )
            )
        lo = hi
    cust, cand, ridx, rank = (
        np.concatenate([part[i] for part in parts]) for i in range(4)
    )
    return {
        "customer": cust,
        "rank": rank.astype(np.int64),
        "product": products[cand],
        "because": products[ra[ridx]],
        "confidence": r_conf[ridx],
        "lift": r_lift[ridx],
        "n_ab": r_nab[ridx],
        "group": r_label[ridx],
    }


def _recommend_block(owner, f_prod, first, take, n_p, n_customers, top_n, rules_sorted):
    """Candidates of one block of customers (see :func:`recommend`).

    ``owner``/``f_prod``: the block's deduplicated (customer, product code)
    items, sorted; ``first``/``take``: each item's slice of the sorted
    rules. Returns (customer, product code, rule index, rank) of the
    ``top_n`` best candidates per customer.
    """
    ra, rb, r_conf, r_lift, quality, by_quality, cl_rank = rules_sorted
    n_r = r_conf.size
    total = int(take.sum())
    row_start = np.repeat(first - np.concatenate(([0], np.cumsum(take)[:-1])), take)
    ridx = row_start + np.arange(total)
    cust = np.repeat(owner, take)
    cand = rb[ridx]
    # drop candidates the customer already bought (bought keys are sorted)
    bought_keys = owner * n_p + f_prod
    query = cust * n_p + cand
    pos = np.minimum(np.searchsorted(bought_keys, query), bought_keys.size - 1)
    fresh = bought_keys[pos] != query
    cust, cand, ridx = cust[fresh], cand[fresh], ridx[fresh]
    if cust.size == 0:
        return (cust, cand, ridx, cust)
    n_cl = int(cl_rank.max()) + 1
    if float(n_customers) * n_p * n_r < 2.0**62:
        # fast path: single int64 keys, plain sorts instead of multi-key lexsorts
        key = (cust * n_p + cand) * n_r + quality[ridx]
        key.sort()
        pair = key // n_r
        head = np.ones(key.size, dtype=bool)
        head[1:] = pair[1:] != pair[:-1]
        ridx = by_quality[key[head] % n_r]
        pair = pair[head]
        cust, cand = pair // n_p, pair % n_p
        o = np.argsort((cust * n_cl + cl_rank[ridx]) * n_p + cand)
    else:  # pragma: no cover - astronomically large inputs
        o = np.lexsort((ra[ridx], -r_lift[ridx], -r_conf[ridx], cand, cust))
        cust, cand, ridx = cust[o], cand[o], ridx[o]
        head = np.ones(cust.size, dtype=bool)
        head[1:] = (cust[1:] != cust[:-1]) | (cand[1:] != cand[:-1])
        cust, cand, ridx = cust[head], cand[head], ridx[head]
        o = np.lexsort((cand, -r_lift[ridx], -r_conf[ridx], cust))
    # rank the candidates of each customer
    cust, cand, ridx = cust[o], cand[o], ridx[o]
    starts = np.flatnonzero(np.concatenate(([True], cust[1:] != cust[:-1])))
    counts = np.diff(np.append(starts, cust.size))
    rank = np.arange(cust.size) - np.repeat(starts, counts) + 1
    sel = rank <= top_n
    cust, cand, ridx, rank = cust[sel], cand[sel], ridx[sel], rank[sel]
    return cust, cand, ridx, rank
