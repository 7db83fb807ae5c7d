"""Transactional tests flush every table, including what migrations created: pages still work."""

import pytest
from django.core.management import call_command
from wagtail.models import Locale


@pytest.mark.django_db(transaction=True)
def test_home_page_after_a_flush() -> None:
    call_command("flush", "--noinput", verbosity=0)
    assert not Locale.objects.exists()
    from content.demo import ensure_home_page

    home = ensure_home_page()
    assert home.get_parent().depth == 1
    from django.test import Client

    assert Client().get("/").status_code == 200
