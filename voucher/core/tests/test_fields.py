"""Fields as `partials/field.html` renders them (django-bootstrap5 with the platform's settings): Bootstrap classes,
labels above fields, errors announced."""

from __future__ import annotations

from django import forms
from django.template import Context, Template

from voucher.core.forms import PlatformForm


class SampleForm(PlatformForm):
    name = forms.CharField(label="名称", help_text="全称")
    kind = forms.ChoiceField(label="类型", choices=[("a", "甲"), ("b", "乙")])
    agree = forms.BooleanField(label="同意")
    mode = forms.ChoiceField(label="方式", choices=[("x", "线上"), ("y", "线下")], widget=forms.RadioSelect)
    file = forms.FileField(label="文件", required=False)
    when = forms.DateField(label="日期", required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)


def render(form: forms.Form, name: str) -> str:
    return Template('{% include "partials/field.html" %}').render(Context({"field": form[name]}))


def test_valid_fields_have_bootstrap_classes_and_labels_above() -> None:
    form = SampleForm()
    html = render(form, "name")
    assert html.startswith('<div class="field"><label class="form-label" for="id_name">名称</label><input ')
    assert 'class="form-control"' in html and "is-invalid" not in html and "aria-invalid" not in html
    assert '<div id="id_name_helptext" class="form-text">全称</div>' in html
    assert 'aria-describedby="id_name_helptext"' in html
    assert 'class="form-select"' in render(form, "kind")
    assert 'type="date"' in render(form, "when") and 'class="form-control"' in render(form, "when")
    assert 'type="file" name="file" class="form-control"' in render(form, "file")
    checkbox = render(form, "agree")
    assert checkbox.startswith('<div class="field"><div class="form-check"><input type="checkbox"')
    assert (
        'class="form-check-input"' in checkbox
        and '<label class="form-check-label" for="id_agree">' in checkbox
    )
    radios = render(form, "mode")
    assert '<label class="form-label">方式</label>' in radios  # a list of choices has no single control
    assert radios.count('<div class="form-check">') == 2 and 'class="form-check-input"' in radios
    assert render(form, "secret").strip() == '<input type="hidden" name="secret" id="id_secret">'


def test_field_with_an_error_is_marked_and_described_by_it() -> None:
    form = SampleForm(data={"kind": "z"})
    html = render(form, "name")
    assert html.startswith('<div class="field has-error">')
    assert 'class="form-control is-invalid"' in html and 'aria-invalid="true"' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert '<div id="id_name_error" class="invalid-feedback d-block" role="alert"><p class="error">' in html
    assert 'class="form-select is-invalid"' in render(form, "kind")
    radios = render(form, "mode")
    assert 'class="form-check-input is-invalid"' in radios and '<div id="id_mode_error"' in radios
    checkbox = render(form, "agree")
    assert 'class="form-check-input is-invalid"' in checkbox and '<div id="id_agree_error"' in checkbox
    valid = render(SampleForm(data={"name": "x"}), "name")
    assert valid.startswith('<div class="field">') and "is-invalid" not in valid and "is-valid" not in valid


def test_inline_validation_wraps_the_field_but_not_a_file() -> None:
    form = SampleForm()
    template = Template('{% include "partials/field.html" %}')
    inline = template.render(Context({"field": form["name"], "inline_validation": True}))
    assert inline.startswith('<div class="inline-check"') and 'HX-Validate-Field": "name"' in inline
    assert '<div class="field">' in inline
    plain = template.render(Context({"field": form["file"], "inline_validation": True}))
    assert not plain.startswith('<div class="inline-check"')
