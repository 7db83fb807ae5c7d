"""Settings for ``LIVE_NOTES_BENCH_LAYER=pubsub``: the same as the test settings but with
channels-redis' Pub/Sub layer, to compare it with the default (list-based) layer."""

from portal.settings.test import *  # noqa: F403
from portal.settings.test import REDIS_URL

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": "vhbenchps"},
    }
}
