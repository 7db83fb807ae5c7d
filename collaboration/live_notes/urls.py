"""Meeting pages, mounted at ``/samenwerking/overleg/`` by ``portal/urls.py``; the views are
``collaboration/views/meetings.py``, the names stay ``live_notes:*``."""

from django.urls import path

from ..views import meetings as views

app_name = "live_notes"

urlpatterns = [
    path("<int:meeting_id>/", views.MeetingNotesView.as_view(), name="meeting"),
    path("<int:meeting_id>/bevestigen/", views.AcknowledgeView.as_view(), name="acknowledge"),
    path("<int:meeting_id>/voorbereiden/", views.PrepareView.as_view(), name="prepare"),
    path("<int:meeting_id>/afronden/", views.FinaliseView.as_view(), name="finalise"),
    path("<int:meeting_id>/verslag.pdf", views.MinutesPdfView.as_view(), name="minutes_pdf"),
]
