"""Writes for training: keyword-only functions that validate, write in a transaction and queue
e-mails after commit. Views call these; nothing else writes training records."""
