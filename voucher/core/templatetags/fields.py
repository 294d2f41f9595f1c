"""``{% render_field field %}``: one form field as Bootstrap 5 markup (used by ``partials/field.html``).

The markup is the one django-bootstrap5 rendered for the platform's settings, built here in one pass
instead of through its per-field renderer objects::

    <div class="field[ has-error]">
      <label class="form-label" for="id_x">标签</label>
      <input class="form-control[ is-invalid]" … aria-invalid="true" aria-describedby="id_x_error">
      <div id="id_x_error" class="invalid-feedback d-block" role="alert"><p class="error">…</p></div>
      <div id="id_x_helptext" class="form-text">…</div>
    </div>

Labels sit above their fields, no placeholder is copied from the label, a field with an error is marked
``is-invalid`` (a valid one stays plain). Django adds ``aria-invalid`` and ``aria-describedby`` (the
``<id>_error`` and ``<id>_helptext`` blocks) to the control itself. A checkbox comes before its label inside
``.form-check``; radio buttons and checkbox lists are one ``.form-check`` per choice; a file input that
already holds a file shows it and, when the field is optional, a clear checkbox.
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.contrib.auth.forms import ReadOnlyPasswordHashWidget
from django.forms.boundfield import BoundField
from django.forms.widgets import Input
from django.template.loader import get_template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Widgets drawn by a template of the platform instead of Django's own (they need Bootstrap's per-choice markup).
WIDGET_TEMPLATES: tuple[tuple[type[forms.Widget], str], ...] = (
    (forms.RadioSelect, "partials/widgets/radio_select.html"),  # CheckboxSelectMultiple too
    (forms.ClearableFileInput, "partials/widgets/clearable_file_input.html"),
)


def merge_classes(*names: str) -> str:
    """CSS class strings joined, each class once, in order of appearance."""
    return " ".join(dict.fromkeys(c for name in names for c in name.split(" ") if c))


def widget_classes(widget: forms.Widget, invalid: bool) -> str:
    """The classes of one control: Bootstrap's class for its kind, its own, ``is-invalid`` with an error."""
    input_type = widget.input_type if isinstance(widget, Input) else None
    if isinstance(widget, ReadOnlyPasswordHashWidget):
        kind = "form-control-plaintext"
    elif isinstance(widget, forms.Select):
        kind = "form-select"
    elif isinstance(widget, forms.CheckboxInput):
        kind = "form-check-input"
    elif isinstance(widget, Input | forms.Textarea):
        kind = "form-range" if input_type == "range" else "form-control"
        if input_type == "color":
            kind += " form-control-color"
    else:
        kind = ""
    return merge_classes(
        kind, widget.attrs.get("class", ""), "is-invalid" if invalid and input_type != "color" else ""
    )


def _widget_template(widget: forms.Widget) -> str | None:
    for kind, name in WIDGET_TEMPLATES:
        if isinstance(widget, kind):
            return name
    return None


def control_html(bound: BoundField, invalid: bool) -> SafeString:
    """The control(s) of a field with the Bootstrap classes (``BoundField.as_widget`` otherwise)."""
    widget = bound.field.widget
    if isinstance(widget, forms.MultiWidget):
        for sub in widget.widgets:
            sub.attrs["class"] = widget_classes(sub, invalid)
        attrs: dict[str, Any] = dict(widget.attrs)
    else:
        attrs = {**widget.attrs, "class": widget_classes(widget, invalid)}
    name = _widget_template(widget)
    if name is None:
        return bound.as_widget(attrs=attrs)
    # BoundField.as_widget, drawn with the platform's template.
    if bound.field.localize:
        widget.is_localized = True
    attrs = bound.build_widget_attrs(attrs, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    context = widget.get_context(bound.html_name, bound.value(), attrs)
    # The template autoescapes; the output is stripped as Django's form renderer does.
    return mark_safe(get_template(name).render(context).strip())  # noqa: S308


def label_html(bound: BoundField, css_class: str) -> SafeString:
    label_for = bound.id_for_label
    if label_for:
        return format_html('<label class="{}" for="{}">{}</label>', css_class, label_for, bound.label or "")
    return format_html('<label class="{}">{}</label>', css_class, bound.label or "")


def errors_html(bound: BoundField, errors: list[Any]) -> SafeString:
    if not errors:
        return SafeString("")
    return format_html(
        '<div id="{}_error" class="invalid-feedback d-block" role="alert">{}</div>\n',
        bound.auto_id,
        format_html_join("", '<p class="error">{}</p>', ((conditional_escape(str(e)),) for e in errors)),
    )


def help_html(bound: BoundField) -> SafeString:
    if not bound.help_text:
        return SafeString("")
    # Help texts are the platform's own strings, shown unescaped as django-bootstrap5 did (never user input).
    text = mark_safe(str(bound.help_text))  # noqa: S308
    return format_html('<div id="{}_helptext" class="form-text">{}</div>\n', bound.auto_id, text)


@register.simple_tag
def render_field(bound: BoundField) -> SafeString:
    """One field in its ``.field`` block: label, control, errors, help (see the module docstring)."""
    if bound.is_hidden:
        return SafeString(str(bound))
    errors = list(bound.errors)
    invalid = bool(errors)
    control = control_html(bound, invalid)
    wrapper = "field has-error" if invalid else "field"
    if isinstance(bound.field.widget, forms.CheckboxInput):
        inner = format_html(
            '<div class="form-check">{}{}{}{}</div>',
            control,
            label_html(bound, "form-check-label"),
            errors_html(bound, errors),
            help_html(bound),
        )
        return format_html('<div class="{}">{}</div>', wrapper, inner)
    return format_html(
        '<div class="{}">{}{}{}{}</div>',
        wrapper,
        label_html(bound, "form-label"),
        control,
        errors_html(bound, errors),
        help_html(bound),
    )
