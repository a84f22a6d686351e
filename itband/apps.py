from django.apps import AppConfig


class ItbandConfig(AppConfig):
    name = "itband"
    verbose_name = "Clinic site"

    def ready(self) -> None:
        # Django's login and logout views are not ours: their auth signals are the hook for
        # the audit log and for starting the staff session clock.
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from . import audit, checks, login_throttle, middleware, twofactor  # noqa: F401 - checks registers

        user_logged_in.connect(audit.record_login, dispatch_uid="itband.audit.login")
        user_logged_in.connect(middleware.start_staff_session, dispatch_uid="itband.session.start")
        user_logged_in.connect(
            twofactor.forget_device_at_sign_in, dispatch_uid="itband.twofactor.sign_in"
        )
        user_logged_out.connect(audit.record_logout, dispatch_uid="itband.audit.logout")
        user_login_failed.connect(
            audit.record_login_failed, dispatch_uid="itband.audit.login_failed"
        )
        user_login_failed.connect(
            login_throttle.record_failure, dispatch_uid="itband.login_throttle.failure"
        )
        user_logged_in.connect(
            login_throttle.remember_device, dispatch_uid="itband.login_throttle.device"
        )
