from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_render_for_director(world, verified_client) -> None:
    client = verified_client(world.director)
    ref = world.case.reference
    for url in [
        reverse("collaboration:home"),
        reverse("collaboration:case_list"),
        reverse("collaboration:case_detail", args=[ref]),
        reverse("collaboration:case_phase", args=[ref]),
        reverse("collaboration:timeline_add", args=[ref]),
        reverse("collaboration:document_upload", args=[ref]),
        reverse("collaboration:assessment", args=[ref, "housing"]),
        reverse("collaboration:goal_add", args=[ref]),
        reverse("collaboration:meeting_add", args=[ref]),
        reverse("collaboration:participant_add", args=[ref]),
        reverse("collaboration:family_add", args=[ref]),
        reverse("collaboration:flag_raise", args=[ref]),
        reverse("collaboration:case_audit", args=[ref]),
        reverse("collaboration:notifications"),
        reverse("collaboration:referral_list"),
        reverse("collaboration:referral_create"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
