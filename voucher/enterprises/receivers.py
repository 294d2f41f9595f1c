"""What the enterprises app does when the programme year changes (connected in ``AppConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from voucher.enterprises.models import QuotaTier
from voucher.programmes.models import ProgrammeYear
from voucher.programmes.signals import programme_copied


@receiver(programme_copied, sender=ProgrammeYear, dispatch_uid="enterprises.quota_tiers_copy")
def quota_tiers_copy(*, source: ProgrammeYear, copy: ProgrammeYear, **kwargs: Any) -> None:
    """Quota tiers (E6) are year data kept here; a new year starts with the same tiers."""
    for tier in QuotaTier.objects.filter(programme=source):
        QuotaTier.objects.create(
            programme=copy, code=tier.code, name=tier.name, cap=tier.cap, is_default=tier.is_default
        )
