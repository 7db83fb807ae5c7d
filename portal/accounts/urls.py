"""Account URLs (Dutch paths). django-two-factor-auth's views keep their ``two_factor:`` names,
which its own code redirects to; see ``portal/urls.py``."""

from django.contrib.auth import views as auth_views
from django.urls import path
from two_factor.views import SetupCompleteView

from portal.organisations.views import InvitationAcceptView

from . import passwords, rights, signup, views

app_name = "accounts"

urlpatterns = [
    path("", views.AccountHomeView.as_view(), name="home"),
    path("verifieren/", views.VerifyView.as_view(), name="verify"),
    path("afmelden/", auth_views.LogoutView.as_view(), name="sign_out"),
    path("overal-afmelden/", views.SignOutEverywhereView.as_view(), name="sign_out_everywhere"),
    path("reservecodes/", views.BackupCodesView.as_view(), name="backup_codes"),
    path("wachtwoord/", passwords.PasswordChangeView.as_view(), name="password_change"),
    path(
        "wachtwoord/gewijzigd/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("wachtwoord-vergeten/", passwords.PasswordResetView.as_view(), name="password_reset"),
    path(
        "wachtwoord-vergeten/verstuurd/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html"),
        name="password_reset_sent",
    ),
    path(
        "herstel/<uidb64>/<token>/",
        passwords.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "herstel/klaar/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("uitnodiging/<str:token>/", InvitationAcceptView.as_view(), name="invitation_accept"),
    path("registreren/", signup.SignUpView.as_view(), name="signup"),
    path("registreren/e-mail/", signup.SignUpCheckEmailView.as_view(), name="signup_check_email"),
    path(
        "registreren/bevestigen/<str:uidb64>/<str:token>/",
        signup.VerifyEmailView.as_view(),
        name="signup_verify",
    ),
    path("mijn-gegevens/", rights.data_overview, name="data"),
    path("mijn-gegevens/vorming.json", rights.data_json, name="data_json"),
    path("mijn-gegevens/overzicht.html", rights.data_html, name="data_html"),
    path("verwijderen/", rights.account_erase, name="erase"),
    path("verwijderd/", rights.account_erased, name="erased"),
    path(
        "tweestapsverificatie/verwijderen/",
        views.DeviceRemoveView.as_view(),
        name="device_remove",
    ),
]

two_factor_urlpatterns = [
    path("aanmelden/", views.SignInView.as_view(), name="login"),
    # Our subclasses: every step needs a verified session once a second factor exists.
    path("tweestapsverificatie/instellen/", views.SetupView.as_view(), name="setup"),
    path("tweestapsverificatie/qr/", views.QRGeneratorView.as_view(), name="qr"),
    path("tweestapsverificatie/klaar/", SetupCompleteView.as_view(), name="setup_complete"),
    # two_factor's own pages link to these names; they lead to our account page.
    path("tweestapsverificatie/", views.AccountHomeView.as_view(), name="profile"),
    path("tweestapsverificatie/codes/", views.BackupCodesView.as_view(), name="backup_tokens"),
]
