"""Form fields shared by every app's forms."""

from __future__ import annotations

from typing import Any

from django import forms

from voucher.core.validators import DATE_MAX, DATE_MIN, validate_date_in_range


class BoundedDateField(forms.DateField):
    """A date field refusing dates outside 2000-01-01…2099-12-31 at the field, with a Chinese message.

    The browser's date picker is told the same range (``min``/``max``).
    """

    default_validators = [validate_date_in_range]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.DateInput) and widget.input_type == "date":
            attrs.update(min=DATE_MIN.isoformat(), max=DATE_MAX.isoformat())
        return attrs
