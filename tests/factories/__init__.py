"""Test data built with factory_boy, one module per topic: people (with their second factor),
organisations and memberships, cases, meetings, courses, and the small fictional worlds the
suites share. Every name is invented."""
