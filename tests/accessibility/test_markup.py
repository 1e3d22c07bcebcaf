"""Markup rules the W3C validator and axe-core check, applied to every template without a browser."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def template_sources():
    for path in sorted(TEMPLATES.rglob("*.html")):
        yield path.relative_to(TEMPLATES), path.read_text()


def test_no_template_puts_aria_label_on_a_label_or_a_plain_div():
    offenders = []
    for name, source in template_sources():
        for tag in re.findall(r"<(?:label|div|span)\b[^>]*>", source):
            if "aria-label=" in tag and "role=" not in tag:
                offenders.append(f"{name}: {tag}")
    assert offenders == []


def test_no_table_has_an_empty_header_cell():
    offenders = [
        str(name) for name, source in template_sources() if re.search(r"<th(\s[^>]*)?>\s*</th>", source)
    ]
    assert offenders == []


def test_every_search_region_is_named():
    offenders = []
    for name, source in template_sources():
        for tag in re.findall(r"<[a-z]+\b[^>]*role=\"search\"[^>]*>", source):
            if "aria-label=" not in tag and "aria-labelledby=" not in tag:
                offenders.append(f"{name}: {tag}")
    assert offenders == []


@pytest.mark.django_db
def test_the_menu_toggle_is_a_button_with_aria_expanded(anon_client):
    html = anon_client.get("/produk/").content.decode()
    assert 'type="checkbox" id="nav-toggle"' not in html
    assert re.search(
        r'<button type="button" class="nav-toggle" aria-expanded="false" aria-controls="site-nav">', html
    )
    assert 'id="site-nav"' in html
    assert "js/js-on.js" in html
