"""Writes of the collaboration side: keyword-only, typed ``<entity>_<action>`` functions that
validate, write in one transaction with their audit record, and notify after commit."""
