"""Forms of the catalogue pages."""

from __future__ import annotations

from django import forms

from voucher.catalogue.choices import CatalogueSort
from voucher.core.forms import PlatformForm


class CatalogueFilterForm(PlatformForm):
    q = forms.CharField(label="搜索", required=False, max_length=100)
    field = forms.CharField(label="领域", required=False, max_length=40)
    direction = forms.CharField(label="方向", required=False, max_length=4)
    sort = forms.ChoiceField(label="排序", required=False, choices=CatalogueSort.choices)


class OnSaleForm(PlatformForm):
    quantity = forms.IntegerField(label="服务券数量（张）", min_value=1, max_value=100000)
