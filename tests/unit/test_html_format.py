from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from itband.html import html_format


def test_escapes_like_format_html():
    values = ("<b>&\"'", 3, "Book 9:00 AM?x=1&y=2", "O'Brien")
    template = "<td>{}</td><a href='{}'>{}</a>{}"
    assert html_format(template, *values) == format_html(template, *values)
    assert "&lt;b&gt;&amp;&quot;&#x27;" in html_format("{}", values[0])


def test_keeps_safe_strings_and_returns_safe():
    inner = mark_safe('<span class="badge">ok</span>')
    out = html_format('<td class="{cls}">{body}</td>', cls="a<b", body=inner)
    assert isinstance(out, SafeString)
    assert out == '<td class="a&lt;b"><span class="badge">ok</span></td>'
