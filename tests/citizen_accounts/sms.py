"""An SMS backend for the tests: it keeps what would have been sent."""

SENT = []


class CapturingSMSBackend:
    def send(self, number, text):
        SENT.append((number, text))
