"""Helpers of ``bench/live_notes.py`` (a package, so ``bench/run_all.py`` does not run them)."""
