"""Read by gunicorn from the directory it starts in (the README's production commands).

Private links (a runner's answers or booking, a password reset, a two-factor set-up link) are
redacted from its access and error logs, as from Django's (itband.logs)."""

logger_class = "itband.logs.GunicornLogger"
