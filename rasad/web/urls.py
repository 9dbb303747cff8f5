from django.urls import path

from rasad.web import views

app_name = "web"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("login/", views.login_view, name="login"),
    path("login/two-factor/", views.two_factor_view, name="two-factor"),
    path("logout/", views.logout_view, name="logout"),
    path("account/two-factor/", views.TwoFactorSetupView.as_view(), name="two-factor-setup"),
    path("account/two-factor/backup-codes/", views.BackupCodesView.as_view(), name="backup-codes"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password"),
    path("account/preferences/", views.PreferencesView.as_view(), name="preferences"),
]
