"""A bare Django view doing the benchmark's three reference writes through the ORM, for bench/voucher_grab.py.

No middleware, no login, no checks: one transaction that reserves an enterprise's quota, inserts the order and
takes a voucher from the one hot product row (decremented last), on the pgbench reference tables. Served with
the same gunicorn set-up as the platform, it shows how fast the framework itself goes on this machine, so the
platform's order throughput can be read against it as well as against the bare SQL of pgbench.
"""

from __future__ import annotations

import os
import random
from decimal import Decimal

import dj_database_url
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only",  # noqa: S106
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    DATABASES={"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=600)},
    INSTALLED_APPS=["django.contrib.contenttypes"],
    MIDDLEWARE=[],
    USE_TZ=True,
)

import django  # noqa: E402

django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connections, models, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.http import HttpRequest, JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402

AMOUNT = Decimal("3000.00")
ACCOUNTS = 1000


class RefTable(models.Model):
    """One of pgbench's reference tables (created by the benchmark, not by migrations)."""

    class Meta:
        abstract = True
        app_label = "contenttypes"
        managed = False

    def __str__(self) -> str:
        return f"{self._meta.db_table} {self.pk}"


class RefProduct(RefTable):
    vouchers_left = models.IntegerField()

    class Meta(RefTable.Meta):
        db_table = "ref_product"


class RefQuota(RefTable):
    available = models.DecimalField(max_digits=14, decimal_places=2)
    reserved = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta(RefTable.Meta):
        db_table = "ref_quota"


class RefOrder(RefTable):
    product_id = models.IntegerField()
    quota_id = models.IntegerField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(RefTable.Meta):
        db_table = "ref_order"


def order(request: HttpRequest) -> JsonResponse:
    account = random.randint(1, ACCOUNTS)
    with transaction.atomic():
        reserved = RefQuota.objects.filter(pk=account, available__gte=AMOUNT).update(
            available=F("available") - AMOUNT, reserved=F("reserved") + AMOUNT
        )
        placed = RefOrder.objects.create(product_id=1, quota_id=account, amount=AMOUNT)
        taken = RefProduct.objects.filter(pk=1, vouchers_left__gt=0).update(
            vouchers_left=F("vouchers_left") - 1
        )
        if not (reserved and taken):
            transaction.set_rollback(True)
            return JsonResponse({"code": "refused"}, status=422)
    return JsonResponse({"id": placed.pk}, status=201)


urlpatterns = [path("order", order)]
application = get_wsgi_application()
connections.close_all()  # no database connection may be inherited by forked workers
