"""Pages: the public catalogue (O1), the product page, and 产品上线 for admins (V4)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from voucher.catalogue import permissions, selectors, services
from voucher.catalogue.choices import CatalogueSort, ProductStatus
from voucher.catalogue.forms import CatalogueFilterForm, OnSaleForm
from voucher.catalogue.models import Product
from voucher.catalogue.pages import product_sections
from voucher.core.htmx import is_htmx, render_page_or_partial
from voucher.programmes.models import Direction, Field
from voucher.programmes.selectors import programme_current

PAGE_SIZE = 20


def catalogue(request: HttpRequest) -> HttpResponse:
    """服务产品目录: no login; filter by field and direction, search, sort, 20 a page (fixed query count).
    The filter form and the page links ask by htmx for the results only, swapped in without a reload."""
    form = CatalogueFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    programme = programme_current()
    items = selectors.catalogue_products(
        programme=programme,
        field=values.get("field", ""),
        direction=values.get("direction", ""),
        query=values.get("q", ""),
        sort=values.get("sort", ""),
    )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    partial = is_htmx(request)
    # The filter form's choices are not part of the results htmx asks for.
    choices = programme is not None and not partial
    fields = list(Field.objects.filter(programme=programme)) if choices else []
    directions = list(Direction.objects.filter(programme=programme).order_by("number")) if choices else []
    query = request.GET.copy()
    query.pop("page", None)
    return render_page_or_partial(
        request,
        "catalogue/list.html",
        "catalogue/_results.html",
        {
            "page": page,
            "partial": partial,
            "values": values,
            "fields": fields,
            "directions": directions,
            "sorts": CatalogueSort.choices,
            "querystring": query.urlencode(),
            "programme": programme,
        },
    )


def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The product page: provider, price and unit, summary, pricing basis, vouchers left, ratings."""
    product = get_object_or_404(
        Product.objects.select_related("direction", "direction__field", "subtype", "provider", "programme"),
        pk=pk,
    )
    permissions.can_view_product(request.user, product).enforce()
    return render(
        request,
        "catalogue/detail.html",
        {
            "product": product,
            "on_sale": product.status == ProductStatus.ON_SALE,
            **product_sections(product),
        },
    )


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """产品上线 (V4): products waiting for their voucher quantity, and every other product by status."""
    permissions.can_manage_products(request.user).enforce()
    status = request.GET.get("status", "")
    if status not in ProductStatus.values:
        status = ""
    items = list(selectors.products_for_management(request.user, status=status)[:500])
    rows = [(p, permissions.can_put_on_sale(request.user, p), OnSaleForm(prefix=f"p{p.pk}")) for p in items]
    return render(
        request,
        "catalogue/manage.html",
        {"rows": rows, "status": status, "statuses": ProductStatus.choices},
    )


@login_required
@require_POST
def put_on_sale(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.can_manage_products(request.user).enforce()
    product = get_object_or_404(Product, pk=pk)
    permissions.can_put_on_sale(request.user, product).enforce()
    form = OnSaleForm(request.POST, prefix=f"p{product.pk}")
    if not form.is_valid():
        messages.error(request, f"“{product.name}”：服务券数量须为1至100000之间的整数。")
        return redirect("catalogue:manage")
    try:
        services.product_put_on_sale(
            actor=request.user, product=product, quantity=form.cleaned_data["quantity"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"“{product.name}”已上线，服务券{form.cleaned_data['quantity']}张。")
    return redirect("catalogue:manage")
