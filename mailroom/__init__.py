"""The office's complaint mailbox: new e-mail becomes a case; what cannot waits for intake."""
