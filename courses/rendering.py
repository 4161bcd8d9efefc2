"""Authors' Markdown to safe HTML: rendered once when content changes, never per request."""

from html.parser import HTMLParser

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "blockquote", "code", "pre",
    "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"scope"}}
# Relative URLs (our own pages) pass as they are; absolute ones must use one of these schemes.
ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)


class _ImagesWithoutAlt(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "img" and not (attributes.get("alt") or "").strip():
            self.sources.append(attributes.get("src") or "")


def sanitise(html: str) -> str:
    """Keep only the allowlisted tags, attributes and URL schemes."""
    return _cleaner.clean(html)


def render_markdown(text: str, *, field: str = "body") -> str:
    """Render Markdown to sanitised HTML; an image without alt text is a ValidationError on `field`."""
    html = markdown.markdown(text, extensions=["sane_lists", "tables"], output_format="html")
    checker = _ImagesWithoutAlt()
    checker.feed(html)
    if checker.sources:
        raise ValidationError(
            {field: _("Every image needs alt text describing it: %(images)s") % {"images": ", ".join(checker.sources)}}
        )
    return sanitise(html)
