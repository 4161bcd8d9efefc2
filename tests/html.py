"""Reading a page's HTML in tests, as a browser would see its structure."""

from html.parser import HTMLParser

FOCUSABLE = {"a", "button", "input", "select", "textarea", "summary"}


class PageStructure(HTMLParser):
    """Collects the tags, landmarks and outside references of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.focusable: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag in {"script", "style"}:
            self._hidden_depth += 1
        if (
            tag in FOCUSABLE and not (tag == "a" and "href" not in attributes) and attributes.get("type") != "hidden"
        ) or (attributes.get("tabindex") not in (None, "-1")):
            self.focusable.append((tag, attributes))

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._hidden_depth -= 1

    def handle_data(self, data):
        if not self._hidden_depth:
            self.text.append(data)

    def visible_text(self) -> str:
        """What a reader sees: the words of the page, not its attributes (tokens, ids) or scripts."""
        return " ".join(" ".join(self.text).split())

    def count(self, tag: str) -> int:
        return sum(1 for name, _ in self.tags if name == tag)

    def with_attribute(self, name: str) -> list[tuple[str, dict[str, str | None]]]:
        return [(tag, attrs) for tag, attrs in self.tags if name in attrs]

    def loaded_urls(self) -> list[str]:
        """Every URL the page makes the browser fetch by itself (scripts, styles, images, frames)."""
        urls = []
        for tag, attrs in self.tags:
            if tag in {"script", "img", "iframe", "audio", "video", "source", "embed"} and attrs.get("src"):
                urls.append(attrs["src"])
            if tag == "link" and attrs.get("href"):
                urls.append(attrs["href"])
            if tag == "object" and attrs.get("data"):
                urls.append(attrs["data"])
        return urls


def structure(response) -> PageStructure:
    return parse(response.content.decode())


def parse(html: str) -> PageStructure:
    parser = PageStructure()
    parser.feed(html)
    return parser
