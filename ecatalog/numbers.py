"""Numbers as people in Indonesia type them: a decimal comma and a thousands dot.

``85,5`` is eighty-five and a half, ``1.250`` is one thousand two hundred and fifty, and
``1.250,5`` is both. A point followed by anything but groups of three digits stays a decimal
point (``85.5``), so numbers pasted from an English spreadsheet still read right. The form
fields render as text inputs with a numeric keyboard: a browser's ``type=number`` input
throws away ``85,5`` or ``1.250`` before the server ever sees it.
"""

import re

from django import forms

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(\.\d{3})+")
_THOUSANDS_DECIMAL = re.compile(r"[+-]?\d{1,3}(\.\d{3})*,\d+")


def normalize_number(text) -> str:
    """``"1.250,5"`` -> ``"1250.5"``; text that is not a number comes back stripped for the normal checks."""
    if not isinstance(text, str):
        return text
    value = text.strip().replace(" ", "").replace("\u00a0", "").replace("_", "")
    value = value.removesuffix("%")
    if _THOUSANDS_DECIMAL.fullmatch(value):
        return value.replace(".", "").replace(",", ".")
    if _THOUSANDS.fullmatch(value):
        return value.replace(".", "")
    if value.count(",") == 1 and "." not in value:
        return value.replace(",", ".")
    return value


class LocalDecimalField(forms.DecimalField):
    """A decimal typed with a comma (``85,5``) or a point (``85.5``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(normalize_number(value))

    def widget_attrs(self, widget):
        # min/max/step attributes only mean something on type=number inputs.
        attrs = super().widget_attrs(widget)
        if not isinstance(widget, forms.NumberInput):
            for key in ("min", "max", "step"):
                attrs.pop(key, None)
        return attrs


class LocalIntegerField(forms.IntegerField):
    """A whole number typed with or without thousands dots (``1.250`` or ``1250``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = normalize_number(value)
        # "12,0" or "12.0" is still twelve; forms.IntegerField accepts "12.0" itself.
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if not isinstance(widget, forms.NumberInput):
            for key in ("min", "max", "step"):
                attrs.pop(key, None)
        return attrs


def parse_whole_number(value) -> int:
    """``"1.250"`` -> 1250 for values read straight from a POST; ValueError if not a whole number."""
    text = normalize_number(str(value))
    number = float(text) if re.fullmatch(r"[+-]?\d+\.0*", text) else int(text)
    if number != int(number):
        raise ValueError(value)
    return int(number)
