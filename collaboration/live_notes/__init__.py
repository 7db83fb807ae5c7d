"""Live network-meeting notes: a Yjs document per meeting, shared over Channels.

The browser edits with Yjs (``static/live_notes/``); the server speaks the Yjs sync protocol with
pycrdt in ``consumers.py``. PostgreSQL is the single source of truth: every update is appended to
``NoteUpdate`` with its audit record, relayed after commit, and compacted into ``NoteSnapshot``.
"""
