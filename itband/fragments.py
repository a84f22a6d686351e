"""Hot loops rendered by Jinja2 inside pages rendered by Django templates.

Django's template engine costs a few microseconds per variable and tag; a loop over fifty
rows or forty answer options made it most of a page's time (docs/benchmarks.md). Those loops
live in ``templates/jinja2/**.jinja`` (the "jinja2" engine in settings.TEMPLATES, always
autoescaped) and the page shows the result with ``{{ }}``.
"""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


def render_fragment(template_name: str, context: dict) -> SafeString:
    html = render_to_string(template_name, context, using="jinja2")
    return mark_safe(html)  # Jinja2 escaped every value
