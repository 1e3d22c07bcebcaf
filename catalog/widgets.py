"""Form widgets of the public catalogue.

``QuickSelect`` renders its ``<option>`` list in Python instead of one template per
option: the filter panel's kecamatan list (300 options at national size) took ~40 ms
per catalogue page with Django's template-rendered ``Select`` (issue 5).
"""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """A single ``<select>`` with the same HTML as ``forms.Select``, built without templates."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected = {str(v) for v in self.format_value(value)}
        options = []
        for option_value, option_label in self.choices:
            key = "" if option_value is None else str(option_value)
            options.append((key, " selected" if key in selected else "", option_label))
            if key in selected:
                selected = set()  # like forms.Select: only the first match is selected
        body = format_html_join(
            "\n", '<option value="{}"{}>{}</option>', ((k, mark_safe(s), label) for k, s, label in options)
        )
        return format_html("<select{}>\n{}\n</select>", flatatt(final_attrs), body)
