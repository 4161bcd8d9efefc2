"""`{% fragment "name" vary... %}...{% endfragment %}`: a part of a page shared by everyone it is the same for.

Rendered once per process and reused for everyone who shares its key. The key is built here, not by
each template: the name, the `vary` values the template gives, and always the language, the script
prefix and the version of the course content (`core.versions.CONTENT`, renewed by every save of
content), so a changed lesson or a request under another prefix never meets an old rendering.

Nothing about the person or the request may be inside one unless the fragment varies on exactly that
expression: `user…`, `request…`, `messages`, `perms` and forms are refused when the template is
compiled (directly inside) and by `manage.py check` (in templates it includes), naming the file and
line (`shared_part_problems`). A form bound to the address is allowed where the fragment varies on
`request.get_full_path`. `{% csrf_token %}` is allowed: it is rendered as a mark and filled in with
each request's own token.
"""

import re
from dataclasses import dataclass

from django import template
from django.template.base import Lexer, TokenType
from django.urls import get_script_prefix
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core import versions
from core.memo import Memo

register = template.Library()

_rendered = Memo(1024)
# Stands for the request's CSRF token in a rendered fragment. NUL bytes never reach a page otherwise
# (requests holding one are refused before any view), so the mark cannot meet a parent's own text.
_CSRF_MARK = "\x00csrf-token\x00"

PER_REQUEST_ROOTS = {"user", "request", "messages", "perms"}
ADDRESS = "request.get_full_path"


class FragmentNode(template.Node):
    # Not searched for `{% block %}`s: a block inside a fragment could not be overridden anyway, and
    # `{% extends %}` searches the parent template on every render.
    child_nodelists = ()

    def __init__(self, nodelist, name, vary):
        self.nodelist, self.name, self.vary = nodelist, name, vary

    def render(self, context):
        key = (
            self.name,
            get_language(),
            get_script_prefix(),
            versions.for_this_request(versions.CONTENT),
            *(value.resolve(context) for value in self.vary),
        )
        html = _rendered.get(key)
        if html is None:
            with context.push(csrf_token=_CSRF_MARK):
                html = self.nodelist.render(context)
            _rendered.keep(key, html)
        if _CSRF_MARK in html:
            html = html.replace(_CSRF_MARK, conditional_escape(context.get("csrf_token") or ""))
        # The template engine escaped what the fragment holds when it was rendered; the token just now.
        return mark_safe(html)


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} needs a name in quotes, then what it varies on.")
    # What the fragment holds, read before it is parsed: the tokens up to its own {% endfragment %}.
    inside, depth = [], 0
    for upcoming in reversed(parser.tokens):
        word = upcoming.split_contents()[0] if upcoming.token_type == TokenType.BLOCK else ""
        depth += {"fragment": 1, "endfragment": -1}.get(word, 0)
        if depth < 0:
            break
        inside.append(upcoming)
    name = getattr(parser.origin, "template_name", None) or "<template>"
    problems = _problems_in(inside, name, frozenset(bits[2:]), engine=None)
    if problems:
        raise template.TemplateSyntaxError(str(problems[0]))
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, bits[1], [parser.compile_filter(bit) for bit in bits[2:]])


# The guard: what a shared part may not hold. It reads the templates' tags and variables as written.

_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
_EXPRESSION = re.compile(r"(?<![\w.])[A-Za-z_]\w*(?:\.\w+)*")


@dataclass(frozen=True)
class Problem:
    template: str
    line: int
    expression: str

    def __str__(self):
        return (
            f"{self.template}, line {self.line}: “{self.expression}” is per person or per request, and may not be "
            "inside a {% fragment %} (shared by everyone it is the same for) unless the fragment varies on it"
        )


def shared_part_problems(template_obj) -> list[Problem]:
    """Everything per person or per request inside the fragments of a template and what they include."""
    name = template_obj.origin.template_name or template_obj.origin.name
    return _problems_in(Lexer(template_obj.source).tokenize(), name, None, engine=template_obj.engine)


def _problems_in(tokens, name: str, keyed_on: frozenset | None, *, engine, seen=()) -> list[Problem]:
    """Read `tokens` of template `name`; `keyed_on` is None outside any fragment, else what the enclosing
    ones vary on. With an `engine`, follow `{% include %}`s of a literal name inside fragments."""
    problems, stack, skipping = [], [keyed_on], None
    for token in tokens:
        if token.token_type not in (TokenType.VAR, TokenType.BLOCK):
            continue
        words = token.split_contents()
        tag = words[0] if token.token_type == TokenType.BLOCK else ""
        if skipping:  # inside {% comment %} or {% verbatim %}
            skipping = None if tag == skipping else skipping
            continue
        if tag in ("comment", "verbatim"):
            skipping = "end" + tag
        elif tag == "fragment":
            stack.append((stack[-1] or frozenset()) | set(words[2:]))
        elif tag == "endfragment":
            stack.pop()
        elif stack[-1] is not None and tag not in ("load", "csrf_token"):
            text = _QUOTED.sub('""', token.contents.split(None, 1)[-1] if tag else token.contents)
            problems += [
                Problem(name, token.lineno, expression)
                for expression in _EXPRESSION.findall(text)
                if _per_request(expression, stack[-1])
            ]
            included = words[1][1:-1] if tag == "include" and _QUOTED.fullmatch(words[1]) else None
            if engine is not None and included and included not in seen:
                source = engine.get_template(included).source
                problems += _problems_in(
                    Lexer(source).tokenize(), included, stack[-1], engine=engine, seen=(*seen, included)
                )
    return problems


def _per_request(expression: str, keyed_on: frozenset) -> bool:
    if expression in keyed_on:
        return False
    parts = expression.split(".")
    if parts[0] in PER_REQUEST_ROOTS:
        return True
    is_form = any(part in ("form", "forms") or part.endswith("_form") for part in parts)
    return is_form and ADDRESS not in keyed_on
