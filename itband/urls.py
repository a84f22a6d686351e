from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clinician import schedule_views as clinician_schedule

from . import password_reset, twofactor, unsubscribe, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("privacy/", views.page, {"slug": "privacy"}, name="privacy"),
    path(
        "cancellation-policy/",
        views.page,
        {"slug": "cancellation-policy"},
        name="cancellation-policy",
    ),
    path("pages/<slug:slug>/", views.page, name="page"),
    path("unsubscribe/<slug:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
    path("assessment/", include("assessments.urls")),
    path("book/", include("booking.urls")),
    path("clinician/schedule/", clinician_schedule.my_schedule, name="my-schedule"),
    path("clinician/", include("clinician.urls")),
    path("desk/", include("desk.urls")),
    path("outcomes/", include("outcomes.urls")),
    path("clinic/", include("clinic.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_reset/",
        password_reset.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        password_reset.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/2fa/enrol/", twofactor.enrol, name="twofactor-enrol"),
    path("accounts/2fa/enrol/<str:token>/", twofactor.enrol_link, name="twofactor-enrol-link"),
    path("accounts/2fa/verify/", twofactor.verify, name="twofactor-verify"),
    path("accounts/2fa/backup-codes/", twofactor.backup_codes, name="twofactor-backup-codes"),
    path("staff/", views.staff_home, name="staff-home"),
    path("admin/", admin.site.urls),
]

handler403 = "itband.views.permission_denied"
handler404 = "itband.views.page_not_found"
handler500 = "itband.views.server_error"
