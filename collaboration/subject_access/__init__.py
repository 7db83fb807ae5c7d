"""Subject access (GDPR art. 15, LED art. 14) as a workflow, and the related rights of
rectification, objection and restriction of processing (GDPR art. 16, 18, 21).

A privacy officer of the region registers a request (``services.subject_access_register``); the
portal assembles what is about that one person (``assembly``), redacting other people's names
(``redaction``) and holding police and justice items back for a decision per item; a second
officer releases the export, a Dutch PDF with a JSON beside it (``document``). Every step is an
audit event. Rectification requests and restrictions of processing are in ``rights``.
"""
