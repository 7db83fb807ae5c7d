from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    """Periodic background work. django-tasks has no scheduler; ``run_scheduler`` enqueues the
    tasks listed in ``PERIODIC_TASKS`` at their intervals, and the worker runs them."""

    name = "portal.scheduling"
    label = "scheduling"
