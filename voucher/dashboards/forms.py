"""The dashboard's filters: programme year, field or direction, period length."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from voucher.core.forms import PlatformForm
from voucher.dashboards.selectors import PERIODS, RANKINGS, Filters
from voucher.programmes.models import Direction, Field, ProgrammeYear
from voucher.programmes.selectors import programme_current


class FilterForm(PlatformForm):
    """Read from the query string; every field is optional (the current year, everything, by month)."""

    year = forms.TypedChoiceField(label="年度", coerce=int, required=False)
    field = forms.ChoiceField(label="领域", required=False)
    direction = forms.ChoiceField(label="方向", required=False)
    period = forms.ChoiceField(label="时间粒度", choices=list(PERIODS.items()), required=False)
    sort = forms.ChoiceField(label="服务商排序", choices=list(RANKINGS.items()), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = list(ProgrammeYear.objects.order_by("-year").values_list("year", flat=True))
        current = programme_current()
        self.default_year = current.year if current else (years[0] if years else None)
        self._choices("year", [(y, f"{y} 年度") for y in years])
        chosen = str(self.data.get("year") or self.default_year or "")
        year = int(chosen) if chosen.isdigit() else 0
        self.directions = list(
            Direction.objects.filter(programme__year=year).select_related("field").order_by("number")
        )
        fields = (
            list(Field.objects.filter(programme__year=year).order_by("position")) if self.directions else []
        )
        self._choices("field", [("", "全部领域")] + [(f.code, f.name) for f in fields])
        self._choices(
            "direction", [("", "全部方向")] + [(d.code, f"{d.number}. {d.name}") for d in self.directions]
        )
        self._fields_by_code = {f.code: f for f in fields}

    def _choices(self, name: str, choices: list[tuple[Any, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("field") and data.get("direction"):
            direction = next(d for d in self.directions if d.code == data["direction"])
            if direction.field.code != data["field"]:
                self.add_error(
                    "direction", ValidationError("所选方向不属于所选领域。", code="direction_not_in_field")
                )
        return data

    def filters(self) -> Filters | None:
        """The filters asked for, or ``None`` when there is no programme year at all."""
        self.is_valid()
        data = self.cleaned_data  # only the fields that passed; a bad one falls back to its default
        year = data.get("year") or self.default_year
        programme = ProgrammeYear.objects.filter(year=year).first() if year else None
        if programme is None:
            return None
        direction = next((d for d in self.directions if d.code == data.get("direction")), None)
        field = self._fields_by_code.get(data.get("field") or "")
        return Filters(
            programme=programme,
            field=field if direction is None else None,
            direction=direction,
            period=data.get("period") or "month",
        )
