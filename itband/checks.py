"""System checks (``manage.py check``) for settings a deployment may carry over from before."""

import os

from django.core.checks import Warning as CheckWarning
from django.core.checks import register


@register()
def deprecated_trust_x_forwarded_for(app_configs=None, **kwargs):
    """TRUST_X_FORWARDED_FOR trusted the client-written left end of X-Forwarded-For; it now
    stands for one proxy until TRUSTED_PROXY_COUNT says how many there are."""
    if os.environ.get("TRUST_X_FORWARDED_FOR", "").strip() == "":
        return []
    return [
        CheckWarning(
            "TRUST_X_FORWARDED_FOR is deprecated: while TRUSTED_PROXY_COUNT is unset, true "
            "counts as TRUSTED_PROXY_COUNT=1 and false as 0.",
            hint=(
                "Set TRUSTED_PROXY_COUNT to the number of your reverse proxies in front of the "
                "app (usually 1) and remove TRUST_X_FORWARDED_FOR."
            ),
            id="itband.W001",
        )
    ]
