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

from dataclasses import dataclass

from django import template
from django.template import Node, NodeList, Variable
from django.template.base import FilterExpression, TokenType
from django.template.loader_tags import IncludeNode
from django.templatetags.i18n import BlockTranslateNode
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

    def keyed_on(self) -> set[str]:
        return {_name(value.var) for value in self.vary if isinstance(value.var, Variable)}


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} needs a name in quotes, then what it varies on.")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    node = FragmentNode(nodelist, bits[1], [parser.compile_filter(bit) for bit in bits[2:]])
    problems = _problems_in(nodelist, node.keyed_on(), engine=None)
    if problems:
        raise template.TemplateSyntaxError(str(problems[0]))
    return node


# The guard: what a shared part may not hold.


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
    return _problems_in(template_obj.nodelist, None, engine=template_obj.engine)


def _problems_in(nodelist, keyed_on: set[str] | None, *, engine, seen=()) -> list[Problem]:
    """Walk `nodelist`; `keyed_on` is None outside any fragment, else what the enclosing ones vary on."""
    problems = []
    for node in nodelist:
        if isinstance(node, FragmentNode):
            inner = (keyed_on or set()) | node.keyed_on()
            problems += _problems_in(node.nodelist, inner, engine=engine, seen=seen)
            continue
        if keyed_on is not None:
            for expression in _expressions(node):
                if _per_request(expression, keyed_on):
                    problems.append(Problem(_origin(node), _line(node), expression))
            included = _included_name(node)
            if engine is not None and included and included not in seen:
                found = engine.get_template(included)
                problems += _problems_in(found.nodelist, keyed_on, engine=engine, seen=(*seen, included))
        for child in _children(node):
            problems += _problems_in(child, keyed_on, engine=engine, seen=seen)
    return problems


def _per_request(expression: str, keyed_on: set[str]) -> bool:
    if expression in keyed_on or expression == "csrf_token":
        return False
    parts = expression.split(".")
    if parts[0] in PER_REQUEST_ROOTS:
        return True
    is_form = any(part in ("form", "forms") or part.endswith("_form") for part in parts)
    return is_form and ADDRESS not in keyed_on


def _children(node: Node) -> list[NodeList]:
    children = [value for value in vars(node).values() if isinstance(value, NodeList)]
    for _condition, nodelist in getattr(node, "conditions_nodelists", ()):  # {% if %}
        children.append(nodelist)
    return children


def _expressions(node: Node) -> list[str]:
    """The variables a node reads (not those of the nodes inside it)."""
    found = []

    def visit(value, depth=0):
        if depth > 8 or isinstance(value, (Node, NodeList, str)):
            return
        if isinstance(value, FilterExpression):
            visit(value.var, depth + 1)
            for _function, arguments in value.filters:
                for _is_lookup, argument in arguments:
                    visit(argument, depth + 1)
        elif isinstance(value, Variable):
            if value.lookups:
                found.append(_name(value))
        elif isinstance(value, (list, tuple)):
            for item in value:
                visit(item, depth + 1)
        elif isinstance(value, dict):
            for item in value.values():
                visit(item, depth + 1)
        elif type(value).__module__.startswith("django.template") and hasattr(value, "__dict__"):
            for item in vars(value).values():  # e.g. the conditions of an {% if %}
                visit(item, depth + 1)

    for name, value in vars(node).items():
        if name not in ("token", "origin"):
            visit(value)
    if isinstance(node, BlockTranslateNode):
        for token in [*node.singular, *(node.plural or [])]:
            if token.token_type == TokenType.VAR:
                found.append(token.contents.strip())
    return found


def _name(variable: Variable) -> str:
    return ".".join(variable.lookups)


def _included_name(node: Node) -> str | None:
    if isinstance(node, IncludeNode) and isinstance(node.template, FilterExpression):
        literal = node.template.var
        return literal if isinstance(literal, str) else None
    return None


def _origin(node: Node) -> str:
    origin = getattr(node, "origin", None)
    return getattr(origin, "template_name", None) or getattr(origin, "name", "") or "<template>"


def _line(node: Node) -> int:
    token = getattr(node, "token", None)
    return getattr(token, "lineno", 0) or 0
