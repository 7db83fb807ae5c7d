"""Settings of the servers ``bench/live_notes.py`` starts: the test settings (a known secret
key and hosts) with what production changes on the live-notes path: background tasks go to
the database queue for the worker, as in production, instead of running inline (the test
settings' immediate backend would compact the notes inside a keystroke's write and show up as
a latency spike that production never has). ``LIVE_NOTES_BENCH_LAYER=core`` selects the
list-based channels-redis layer instead of Pub/Sub, to compare them."""

import os

from portal.settings.test import *  # noqa: F403
from portal.settings.test import REDIS_URL

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

if os.environ.get("LIVE_NOTES_BENCH_LAYER") == "core":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "vhbenchcore", "capacity": 1500},
        }
    }
