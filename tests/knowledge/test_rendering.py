"""Articles' text is rendered with raw HTML and unsafe links inert."""

from __future__ import annotations

import pytest

from priemnaya.knowledge import rendering
from priemnaya.knowledge.rendering import article_html, plain_text, render_markdown


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("<img src=x onerror=alert(1)>", "<img"),
        ('<a href="https://x.ru" onclick="alert(1)">x</a>', "<a href"),
        ("[нажми](javascript:alert(1))", 'href="javascript'),
        ("[нажми](JaVaScRiPt:alert(1))", 'href="JaVaScRiPt'),
        ("[нажми](data:text/html;base64,PHNjcmlwdD4=)", 'href="data:'),
        ("[нажми](vbscript:msgbox)", 'href="vbscript'),
        ("![картинка](https://evil.example/x.png)", "<img"),
        ("<iframe src=https://evil.example></iframe>", "<iframe"),
        ("<div style='x'>сырой HTML</div>", "<div"),
    ],
)
def test_hostile_markup_comes_out_inert(source, forbidden):
    # when
    html = render_markdown(source)
    # then
    assert forbidden.lower() not in html.lower()


def test_raw_html_is_shown_escaped():
    assert "&lt;script&gt;" in render_markdown("<script>alert(1)</script>")


def test_headings_lists_links_code_and_tables_render():
    # given
    source = (
        "## Раздел\n\n- пункт\n- ещё\n\n1. первый\n\n[сайт](https://example.ru) "
        "[внутри](/help/) [почта](mailto:a@b.ru) [звонок](tel:88005553535)\n\n`код`\n\n"
        "|a|b|\n|-|-|\n|1|2|\n"
    )
    # when
    html = render_markdown(source)
    # then
    for piece in (
        "<h2>Раздел</h2>",
        "<ul>",
        "<ol>",
        '<a href="https://example.ru">',
        '<a href="/help/">',
        '<a href="mailto:a@b.ru">',
        '<a href="tel:88005553535">',
        "<code>код</code>",
        "<table>",
    ):
        assert piece in html


def test_protocol_relative_links_are_refused():
    assert "href" not in render_markdown("[x](//evil.example/)")


def test_the_html_is_rendered_once_per_version(monkeypatch):
    # given a renderer that counts its calls
    calls = []
    real = rendering.render_markdown
    monkeypatch.setattr(rendering, "render_markdown", lambda text: calls.append(text) or real(text))
    # when the same version is asked twice, then a new version
    first = article_html(999_001, 1, "**один**")
    again = article_html(999_001, 1, "**один**")
    fresh = article_html(999_001, 2, "**два**")
    # then
    assert first == again
    assert "два" in fresh
    assert calls == ["**один**", "**два**"]


def test_plain_text_drops_marks():
    assert plain_text("## Заголовок\n\n**жирный** [ссылка](https://x.ru)") == (
        "Заголовок\nжирный ссылка"
    )


def test_plain_text_keeps_line_breaks_as_spaces():
    assert plain_text("указанным при\nрегистрации") == "указанным при регистрации"
