"""How a transport tells the outbox that retrying is pointless (kept apart so the SMS gateways and
other transports can raise it without importing the outbox)."""


class PermanentFailure(Exception):
    """A transport's refusal that no retry will change (an unknown number, a revoked callback):
    the message fails at once instead of being retried."""
