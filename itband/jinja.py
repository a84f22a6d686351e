"""The Jinja2 environment of the hot-loop fragments (settings.TEMPLATES, itband.fragments).

Its globals mirror the Django template tags the fragments need, so an app's fragment can show
the clinics without importing the booking app (as ``{% active_locations %}`` does in Django
templates).
"""

import jinja2


def active_locations():
    from booking.directory import active_locations as locations

    return locations()


def environment(**options) -> jinja2.Environment:
    options.pop("autoescape", None)  # always on: these fragments are shown unescaped
    env = jinja2.Environment(autoescape=True, **options)
    env.globals["active_locations"] = active_locations
    return env
