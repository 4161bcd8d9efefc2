"""`{% fragment "name" vary... %}...{% endfragment %}`: render a piece of template once per process.

For the parts of a page that are the same for everyone who shares the `vary` values (the header, the
footer, a course outline for the same progress): rendered once, then reused. A `{% csrf_token %}`
inside one is rendered as a mark and filled in with each request's own token. Never put anything
else per-request inside one: messages, a name, an address.
"""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

_rendered: dict[tuple, str] = {}
MAX_FRAGMENTS = 1024
# Stands for the request's CSRF token in a rendered fragment. NUL bytes never reach a page otherwise
# (requests holding one are refused before any view), so the mark cannot meet a parent's own text.
_CSRF_MARK = "\x00csrf-token\x00"


class FragmentNode(template.Node):
    # Not searched for `{% block %}`s: a block inside a fragment could not be overridden anyway, and
    # `{% extends %}` searches the parent template on every render.
    child_nodelists = ()

    def __init__(self, nodelist, name, vary):
        self.nodelist, self.name, self.vary = nodelist, name, vary

    def render(self, context):
        key = (self.name, get_language(), *(value.resolve(context) for value in self.vary))
        html = _rendered.get(key)
        if html is None:
            with context.push(csrf_token=_CSRF_MARK):
                html = self.nodelist.render(context)
            if len(_rendered) >= MAX_FRAGMENTS:
                _rendered.clear()
            _rendered[key] = html
        if _CSRF_MARK in html:
            html = html.replace(_CSRF_MARK, conditional_escape(context.get("csrf_token") or ""))
        # The template engine escaped what the fragment holds when it was rendered; the token just now.
        return mark_safe(html)


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} needs a name in quotes, then what it varies on.")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, bits[1], [parser.compile_filter(bit) for bit in bits[2:]])


def forget_fragments() -> None:
    """Empty this process's fragments (tests start each with none)."""
    _rendered.clear()
