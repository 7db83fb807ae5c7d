"""Settings package: ``base`` holds what every environment shares; ``dev``, ``test`` and
``production`` each add only what differs. ``manage.py`` defaults to ``dev``."""
