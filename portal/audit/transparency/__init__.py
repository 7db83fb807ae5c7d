"""The audit trail's transparency log: Merkle trees, signed checkpoints and a witness.

``merkle`` and ``note`` are pure (no Django), for the witness and for anyone checking a proof;
``log`` reads the records' leaves, ``signer`` is the process that holds the log key and writes
checkpoints outside the database, ``witness`` is the independent co-signer, ``verify`` what
``manage.py audit_verify`` checks. docs/audit.md explains it for a privacy officer and an auditor.
"""
