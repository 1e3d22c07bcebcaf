"""Mini-kompetisi pages: thin views that parse the request, call a service, render."""

from __future__ import annotations

from datetime import date, datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import buyer_required
from catalog.models import Category, Kecamatan, Product, ProductStatus
from ecatalog.params import parse_id
from procurement import services as orders
from procurement.models import OPDMember

from . import selectors, services
from .models import Competition, CompetitionStatus, Offer

ITEM_ROWS = 5


def _competition_for(user, pk) -> Competition:
    """The competition if ``user`` may see it (404 otherwise: others' competitions do not exist)."""
    competition = get_object_or_404(services.visible_to(user), pk=pk)
    if competition.status == CompetitionStatus.OPEN and timezone.now() >= competition.offer_deadline:
        competition = services.close_if_due(competition)
    return competition


@login_required
def competition_list(request):
    user = request.user
    qs = services.visible_to(user).order_by("-created_at", "-id")
    if not (user.is_bpbj or user.is_buyer or user.vendor_profile):
        raise Http404
    return render(request, "competition/list.html", {"competitions": list(qs[:100])})


def _parse_deadline(post) -> datetime | None:
    try:
        day = date.fromisoformat(post.get("deadline_date", "").strip())
        hour = time.fromisoformat(post.get("deadline_time", "").strip() or "15:00")
    except ValueError:
        return None
    return timezone.make_aware(datetime.combine(day, hour))


@buyer_required
def competition_start(request):
    membership = request.user.opd_membership
    if membership.position not in (OPDMember.Position.PP, OPDMember.Position.PPK):
        raise Http404
    packages = list(orders.checkout_packages(membership.opd))
    categories = list(Category.objects.order_by("name"))
    kecamatan = list(Kecamatan.objects.order_by("name"))
    earliest = services.earliest_offer_deadline()
    values = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        try:
            deadline = _parse_deadline(request.POST)
            if deadline is None:
                raise services.CompetitionError(_("Isi tanggal dan jam batas penawaran."))
            try:
                needed_by = date.fromisoformat(request.POST.get("needed_by", "").strip())
            except ValueError:
                raise services.CompetitionError(_("Isi tanggal dibutuhkan.")) from None
            items = services.parse_items(
                (
                    request.POST.get(f"item-{i}-spec"),
                    request.POST.get(f"item-{i}-qty"),
                    request.POST.get(f"item-{i}-unit"),
                )
                for i in range(ITEM_ROWS)
            )
            competition = services.start_competition(
                user=request.user,
                package_id=parse_id(request.POST.get("package")),
                title=request.POST.get("title", ""),
                category_id=parse_id(request.POST.get("category")),
                items=items,
                hps=request.POST.get("hps", ""),
                delivery_address=request.POST.get("delivery_address", ""),
                needed_by=needed_by,
                offer_deadline=deadline,
                reserve_umk=request.POST.get("reserve_umk") == "1",
                reserve_local=request.POST.get("reserve_local") == "1",
                kind=request.POST.get("kind", Competition.Kind.MINI),
                kecamatan_id=parse_id(request.POST.get("kecamatan")),
                from_cart=request.POST.get("from_cart") == "1",
            )
        except services.CompetitionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Mini-kompetisi %(n)s dibuka; %(c)s penyedia diundang.")
                % {"n": competition.number, "c": competition.invitations.count()},
            )
            return redirect(competition)
    rows = [
        {
            "i": i,
            "spec": values.get(f"item-{i}-spec", ""),
            "qty": values.get(f"item-{i}-qty", ""),
            "unit": values.get(f"item-{i}-unit", ""),
        }
        for i in range(ITEM_ROWS)
    ]
    return render(
        request,
        "competition/start.html",
        {
            "packages": packages,
            "categories": categories,
            "kecamatan": kecamatan,
            "rows": rows,
            "values": values,
            "earliest": timezone.localtime(earliest),
            "min_days": services.settings.COMPETITION_MIN_OFFER_DAYS,
        },
    )


@login_required
def competition_detail(request, pk: int):
    user = request.user
    competition = _competition_for(user, pk)
    vendor = user.vendor_profile if user.is_vendor else None
    own_offer = None
    own_products = []
    if vendor is not None:
        own_offer = (
            Offer.objects.filter(competition=competition, vendor=vendor).prefetch_related("lines").first()
        )
        own_products = list(
            Product.objects.filter(vendor=vendor, status=ProductStatus.PUBLISHED).order_by("name")[:200]
        )
    is_buyer = user.is_buyer and user.opd_membership and user.opd_membership.opd_id == competition.opd_id
    board = services.ranking(competition)
    winner = next((o for o in board if o.rank == 1), None)
    own_prices = {line.item_id: line for line in own_offer.lines.all()} if own_offer else {}
    items = list(competition.items.all())
    for item in items:
        item.own_line = own_prices.get(item.pk)
    return render(
        request,
        "competition/detail.html",
        {
            "c": competition,
            "items": items,
            "vendor": vendor,
            "own_offer": own_offer,
            "own_products": own_products,
            "is_buyer": is_buyer,
            # The buyer sees the ranking board; a bidder only its own rank and the winning price.
            "board": board if (is_buyer or user.is_bpbj) else [],
            "winner": winner,
            "sealed": competition.is_sealed,
            "offer_count": len(board),
            "events": list(competition.events.select_related("actor")),
            "invited_count": competition.invitations.count(),
            "now": timezone.now(),
        },
    )


@require_POST
@login_required
def competition_action(request, pk: int, action: str):
    user = request.user
    competition = _competition_for(user, pk)
    try:
        if action == "tawar":
            prices = {item.pk: request.POST.get(f"price-{item.pk}", "") for item in competition.items.all()}
            products = {
                item.pk: request.POST.get(f"product-{item.pk}", "") for item in competition.items.all()
            }
            services.submit_offer(
                competition=competition,
                user=user,
                prices=prices,
                products=products,
                delivery_cost=request.POST.get("delivery_cost", "0"),
                delivery_days=request.POST.get("delivery_days", "1"),
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("Penawaran tersimpan dan tersegel sampai batas waktu."))
        elif action == "tetapkan":
            services.award(competition=competition, user=user)
            messages.success(request, _("Pemenang ditetapkan; menunggu konfirmasi penyedia."))
        elif action == "negosiasi":
            competition = services.negotiate_single(competition=competition, user=user)
            messages.success(request, _("Pesanan dibuat untuk negosiasi dengan satu-satunya penawar."))
            return redirect(competition.order)
        elif action == "konfirmasi":
            competition = services.confirm_award(competition=competition, user=user)
            messages.success(
                request, _("Penetapan dikonfirmasi; pesanan %(o)s dibuat.") % {"o": competition.order}
            )
        elif action == "tolak":
            services.decline_award(competition=competition, user=user)
            messages.success(request, _("Penetapan ditolak; beralih ke peringkat berikutnya."))
        elif action == "batal":
            services.cancel(competition=competition, user=user, reason=request.POST.get("reason", ""))
            messages.success(request, _("Mini-kompetisi dibatalkan; HPS dilepas dari pagu."))
        else:
            raise Http404
    except orders.ProcurementError as exc:
        messages.error(request, exc.message)
    return redirect("competition:detail", pk=competition.pk)


def opportunities(request):
    """Public "Peluang": open requests and upcoming RUP packages by category and month (no amounts)."""
    return render(request, "competition/opportunities.html", selectors.opportunities())


def competition_json(request, pk: int):
    """Public JSON of one competition: who was invited and bid, and the bids only after the award."""
    competition = get_object_or_404(Competition.objects.select_related("opd", "category"), pk=pk)
    if competition.status == CompetitionStatus.OPEN and timezone.now() >= competition.offer_deadline:
        competition = services.close_if_due(competition)
    return JsonResponse(selectors.public_data(competition))


def competition_ocds(request, pk: int):
    """Public OCDS release package of one competition (bids extension); sealed until the deadline."""
    from . import ocds

    competition = get_object_or_404(Competition.objects.select_related("opd", "category"), pk=pk)
    if competition.status == CompetitionStatus.OPEN and timezone.now() >= competition.offer_deadline:
        competition = services.close_if_due(competition)
    return JsonResponse(ocds.release_package(competition, uri=request.build_absolute_uri()))
