from django.urls import path

from .views.home import CollaborationHomeView

app_name = "collaboration"

urlpatterns = [
    path("", CollaborationHomeView.as_view(), name="home"),
]
