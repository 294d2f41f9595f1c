"""The base of every form of the platform: values a browser can show, and Chinese empty choices.

A ``<input type="date">`` shows only an ISO value (``2026-12-03``); the Chinese locale's first input
format (``2026/12/03``) is shown blank and then submitted blank, erasing the stored date. Every date
and date-time field therefore renders ISO values, whatever widget its form declared, and every empty
choice reads 请选择 instead of Django's ``---------``.
"""

from __future__ import annotations

from typing import Any

from django import forms

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
EMPTY_LABEL = "请选择"
DJANGO_EMPTY_LABEL = "---------"


def date_widget(attrs: dict[str, Any] | None = None) -> forms.DateInput:
    """An ``<input type="date">`` with an ISO value."""
    return forms.DateInput(format=DATE_FORMAT, attrs={**(attrs or {}), "type": "date"})


def datetime_widget(attrs: dict[str, Any] | None = None) -> forms.DateTimeInput:
    """An ``<input type="datetime-local">`` with an ISO value (minutes)."""
    return forms.DateTimeInput(format=DATETIME_FORMAT, attrs={**(attrs or {}), "type": "datetime-local"})


def _platform_field(field: forms.Field) -> None:
    widget = field.widget
    if isinstance(field, forms.DateTimeField) and not isinstance(widget, forms.HiddenInput):
        if not isinstance(widget, forms.SplitDateTimeWidget):
            field.widget = datetime_widget(widget.attrs)
    elif isinstance(field, forms.DateField) and not isinstance(widget, forms.HiddenInput):
        field.widget = date_widget(widget.attrs)
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label is not None:
            field.empty_label = EMPTY_LABEL
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.choices)  # type: ignore[arg-type]
        if any(label == DJANGO_EMPTY_LABEL for _, label in choices):
            field.choices = [
                (v, EMPTY_LABEL if label == DJANGO_EMPTY_LABEL else label) for v, label in choices
            ]


class PlatformFormMixin:
    """Applied to every form of the platform (see the module docstring)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _platform_field(field)


class PlatformForm(PlatformFormMixin, forms.Form):
    """A plain form of the platform."""


class PlatformModelForm(PlatformFormMixin, forms.ModelForm):
    """A model form of the platform."""
