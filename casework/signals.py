"""Changes to cases, announced once per unit of work instead of once per saved row.

Registering a case saves the case, then its first event (and on the portal its attachments): each
save used to rebuild the case's search entry, reloading its whole timeline every time. Inside
`batched_case_changes()` the row-level signals only note the case; the batch announces each case
once, at its end, still inside the caller's transaction, so the entry commits with the case.
"""

import threading
from contextlib import contextmanager

from django.dispatch import Signal

# Sent with case_ids (a sorted list) when a batch of changes ends.
cases_changed = Signal()

_local = threading.local()


@contextmanager
def batched_case_changes():
    if getattr(_local, "pending", None) is not None:
        yield  # nested: the outermost batch announces
        return
    _local.pending = set()
    try:
        yield
        pending = sorted(_local.pending)
    finally:
        _local.pending = None
    if pending:
        cases_changed.send(sender=None, case_ids=pending)


def defer_case_change(case_id):
    """True when a batch is open and will announce this case itself."""
    pending = getattr(_local, "pending", None)
    if pending is None:
        return False
    pending.add(case_id)
    return True
