"""Computing, publishing and acting on the OPD index.

What counts where (every component is computed per OPD in the database,
grouped by OPD; a period is ``[start 00:00, end + 1 day 00:00)`` local time):

* **paid spending**: ``Order.total`` of orders in ``PAID_STATUSES`` (paid, completed)
  whose ``paid_at`` falls in the period. This is "spending through the catalogue".
* **committed spending**: ``Order.total`` of orders the vendor agreed to but that are
  not paid yet (accepted, shipped, partially received, received; partial payments
  included) whose ``accepted_at`` falls in the period.
* **local / UMK spending**: the part of paid spending whose vendor is ``is_local``
  (confirmed by BPBJ) / whose vendor scale is micro or small.
* **local share**: local spending ÷ the OPD's goods/services pagu of the fiscal year
  (``Budget``), the pagu prorated for months and quarters (× months/12). n/a without a budget.
* **UMK share**: UMK spending ÷ paid spending. n/a without spending.
* **local vendors / UMK vendors**: distinct vendors of the paid orders.
* **orders**: orders placed (any status but draft) with ``created_at`` in the period;
  **active days**: distinct local dates on which the OPD placed one.
* **cancel share**: of those orders, the share rejected or cancelled.
* **payment days**: median days from the BAST (latest receipt, else ``received_at``) to
  payment (latest payment, else ``paid_at``) over the paid orders of the period; an order paid
  in termins counts once per termin, from that termin's own BAST.
* **realisation**: paid spending ÷ the OPD's RUP e-purchasing pagu of the year (prorated).
* **catalogue share**: of the OPD's realised goods/services spending (imported from the
  finance system, SIPD) in categories where local products were on display, the share
  paid through the catalogue (``leakage/services.py`` defines it to the Rupiah). n/a
  before a realisation of the year is imported or when the OPD has no such spending;
  an n/a catalogue share is left out of the score (its weight does not count), so an OPD
  is never punished for data the city has not loaded.

Score: the weighted mean of each component's achievement, each capped at 100% of
its target, times 100.
"""

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from catalog.models import UMK_SCALES
from catalog.money import ZERO, format_rupiah, to_rupiah
from leakage.services import leakage_by_opd
from procurement.deadlines import bast_and_payment_dates
from procurement.models import (
    ENDED_UNPAID_STATUSES,
    OPD,
    PAID_STATUSES,
    Budget,
    Order,
    OrderStatus,
    ProcurementMethod,
    RUPPackage,
)

from .models import (
    COMPONENT_KEYS,
    AwardCategory,
    OPDScore,
    PenaltyType,
    Period,
    PeriodKind,
    Proposal,
    ProposalKind,
    ProposalStatus,
    ScoreSnapshot,
    ScoringScheme,
)

# Agreed by the vendor (Surat Pesanan issued) but not paid yet.
COMMITTED_STATUSES = (
    OrderStatus.ACCEPTED,
    OrderStatus.SHIPPED,
    OrderStatus.PARTIALLY_RECEIVED,
    OrderStatus.RECEIVED,
)
HUNDRED = Decimal("100")


class ScoringError(Exception):
    """A request the scoring rules refuse; the message is shown to the user."""


@dataclass(frozen=True)
class Component:
    key: str
    label: str
    unit: str  # "pct", "count", "days"
    higher_is_better: bool = True
    prorated: bool = False  # yearly count target scaled to the period
    # Left out of the score (weight not counted) when its value is n/a.
    optional: bool = False


COMPONENTS = {
    c.key: c
    for c in (
        Component("local_share", gettext_lazy("Belanja produk lokal terhadap pagu barang/jasa"), "pct"),
        Component("umk_share", gettext_lazy("Belanja ke usaha mikro/kecil terhadap belanja katalog"), "pct"),
        Component("local_vendors", gettext_lazy("Penyedia lokal berbeda"), "count", prorated=True),
        Component("umk_vendors", gettext_lazy("Penyedia mikro/kecil berbeda"), "count", prorated=True),
        Component("orders", gettext_lazy("Jumlah pesanan"), "count", prorated=True),
        Component("active_days", gettext_lazy("Hari aktif bertransaksi"), "count", prorated=True),
        Component("payment_days", gettext_lazy("Median hari dari BAST sampai dibayar"), "days", False),
        Component("cancel_share", gettext_lazy("Pesanan batal atau ditolak"), "pct", False),
        Component("realisation", gettext_lazy("Realisasi pagu RUP e-purchasing"), "pct"),
        Component(
            "catalogue_share",
            gettext_lazy("Belanja lewat katalog dari belanja yang dapat dipenuhi katalog (realisasi SIPD)"),
            "pct",
            optional=True,
        ),
    )
}
assert tuple(COMPONENTS) == COMPONENT_KEYS


# --- periods and schemes -------------------------------------------------------------------------


def period_dates(kind: str, year: int, number: int) -> tuple[date, date]:
    """Inclusive first and last day of a month, quarter or year."""
    if kind == PeriodKind.MONTH:
        if not 1 <= number <= 12:
            raise ScoringError(_("Bulan harus 1 sampai 12."))
        start = date(year, number, 1)
        end = date(year + (number == 12), number % 12 + 1, 1) - timedelta(days=1)
    elif kind == PeriodKind.QUARTER:
        if not 1 <= number <= 4:
            raise ScoringError(_("Triwulan harus 1 sampai 4."))
        start = date(year, 3 * number - 2, 1)
        end = date(year + (number == 4), (3 * number) % 12 + 1, 1) - timedelta(days=1)
    elif kind == PeriodKind.YEAR:
        start, end = date(year, 1, 1), date(year, 12, 31)
    else:
        raise ScoringError(_("Jenis periode tidak dikenal."))
    return start, end


def get_period(*, kind: str, year: int, number: int = 1) -> Period:
    """The period row for a month/quarter/year, created on first use."""
    if kind == PeriodKind.YEAR:
        number = 1
    start, end = period_dates(kind, year, number)
    period, _created = Period.objects.get_or_create(
        kind=kind, fiscal_year=year, number=number, defaults={"start": start, "end": end}
    )
    return period


def get_active_scheme() -> ScoringScheme:
    """The active scheme (most recently edited); a default one is created if there is none."""
    scheme = ScoringScheme.objects.filter(is_active=True).order_by("-updated_at", "-id").first()
    if scheme is None:
        scheme = ScoringScheme.objects.create(
            name=str(gettext_lazy("Skema standar Bangga E-Lokal")),
            description=str(gettext_lazy("Dibuat otomatis; ubah bobot dan target di admin.")),
        )
    return scheme


def period_bounds(period: Period) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(period.start, time.min, tzinfo=tz)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def _prorate(amount, period: Period) -> Decimal:
    return to_rupiah(Decimal(amount) * period.months / 12)


def _pct(numerator, denominator) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)


# --- components ----------------------------------------------------------------------------------


def compute_components(period: Period, *, opd_ids=None) -> dict[int, dict]:
    """Every component value per OPD id, from a fixed number of grouped queries.

    ``opd_ids`` limits the result (the OPD page computes its own live numbers);
    by default every active OPD plus any OPD with activity in the period.
    """
    start, end = period_bounds(period)
    orders = Order.objects.all()
    if opd_ids is not None:
        orders = orders.filter(opd_id__in=opd_ids)

    paid = orders.filter(status__in=PAID_STATUSES, paid_at__gte=start, paid_at__lt=end)
    local_q = Q(vendor__is_local=True)
    umk_q = Q(vendor__scale__in=UMK_SCALES)
    paid_rows = paid.values("opd_id").annotate(
        paid_spending=Sum("total"),
        local_spending=Sum("total", filter=local_q),
        umk_spending=Sum("total", filter=umk_q),
        local_vendors=Count("vendor_id", filter=local_q, distinct=True),
        umk_vendors=Count("vendor_id", filter=umk_q, distinct=True),
    )
    committed_rows = (
        orders.filter(status__in=COMMITTED_STATUSES, accepted_at__gte=start, accepted_at__lt=end)
        .values("opd_id")
        .annotate(committed_spending=Sum("total"))
    )
    placed_rows = (
        orders.filter(created_at__gte=start, created_at__lt=end)
        .exclude(status=OrderStatus.DRAFT)
        .values("opd_id")
        .annotate(
            orders=Count("id"),
            cancelled_orders=Count("id", filter=Q(status__in=ENDED_UNPAID_STATUSES)),
            active_days=Count(TruncDate("created_at"), distinct=True),
        )
    )
    budgets = Budget.objects.filter(fiscal_year=period.fiscal_year)
    rup = RUPPackage.objects.filter(fiscal_year=period.fiscal_year, method=ProcurementMethod.E_PURCHASING)
    if opd_ids is not None:
        budgets = budgets.filter(opd_id__in=opd_ids)
        rup = rup.filter(opd_id__in=opd_ids)
    pagu_by_opd = dict(budgets.values_list("opd_id", "goods_services_pagu"))
    rup_by_opd = dict(rup.values("opd_id").annotate(total=Sum("pagu")).values_list("opd_id", "total"))

    # The dates in two queries (each termin from its own BAST, see bast_and_payment_dates); the
    # median itself is taken in Python (portable to SQLite).
    days_by_opd = defaultdict(list)
    for opd_id, bast, paid_on in bast_and_payment_dates(paid):
        if bast and paid_on:
            days_by_opd[opd_id].append(max((paid_on - bast).days, 0))

    if opd_ids is None:
        ids = set(OPD.objects.filter(is_active=True).values_list("id", flat=True))
    else:
        ids = set(opd_ids)
    empty = {
        "paid_spending": ZERO,
        "committed_spending": ZERO,
        "local_spending": ZERO,
        "umk_spending": ZERO,
        "local_vendors": 0,
        "umk_vendors": 0,
        "orders": 0,
        "cancelled_orders": 0,
        "active_days": 0,
    }
    data: dict[int, dict] = {opd_id: dict(empty) for opd_id in ids}

    def merge(rows):
        for row in rows:
            target = data.setdefault(row.pop("opd_id"), dict(empty))
            target.update({k: v for k, v in row.items() if v is not None})

    merge(paid_rows)
    merge(committed_rows)
    merge(placed_rows)

    leakage = leakage_by_opd(
        fiscal_year=period.fiscal_year, start=period.start, end=period.end, opd_ids=opd_ids
    )

    for opd_id, values in data.items():
        for key in ("paid_spending", "committed_spending", "local_spending", "umk_spending"):
            values[key] = to_rupiah(values[key])
        pagu = pagu_by_opd.get(opd_id)
        rup_pagu = rup_by_opd.get(opd_id)
        values["goods_services_pagu"] = _prorate(pagu, period) if pagu is not None else None
        values["rup_pagu"] = _prorate(rup_pagu, period) if rup_pagu is not None else None
        values["local_share"] = _pct(values["local_spending"], values["goods_services_pagu"])
        values["umk_share"] = _pct(values["umk_spending"], values["paid_spending"])
        values["cancel_share"] = _pct(values["cancelled_orders"], values["orders"])
        values["realisation"] = _pct(values["paid_spending"], values["rup_pagu"])
        leak = leakage.get(opd_id)
        coverable = leak.coverable_spending if leak else ZERO
        values["coverable_spending"] = coverable if coverable else None
        values["catalogue_coverable_spending"] = leak.catalogue_spending if leak else ZERO
        values["outside_spending"] = leak.outside_spending if leak else ZERO
        values["catalogue_share"] = leak.catalogue_share if leak else None
        values["leakage"] = (
            [
                {
                    "category": str(c.category),
                    "category_id": c.category_id,
                    "outside": str(c.outside),
                    "local_products": c.local_products,
                }
                for c in leak.top_leaks(3)
            ]
            if leak
            else []
        )
        days = days_by_opd.get(opd_id)
        values["payment_days"] = (
            Decimal(str(statistics.median(days))).quantize(Decimal("0.1")) if days else None
        )
    return data


# --- scoring -------------------------------------------------------------------------------------


def _component_config(key: str, config: dict) -> dict:
    """A component's weight and target; snapshots computed before a component existed weigh it 0."""
    return config["components"].get(key) or {"weight": 0, "target": "0"}


def counts(key: str, values: dict) -> bool:
    """Whether the component takes part in the score (optional ones only with a value)."""
    return not (COMPONENTS[key].optional and values.get(key) is None)


def effective_target(key: str, config: dict, period: Period) -> Decimal:
    """The component's target for this period: yearly count targets are prorated (at least 1)."""
    target = Decimal(str(_component_config(key, config)["target"]))
    if COMPONENTS[key].prorated and target > 0:
        target = Decimal(max(1, math.ceil(target * period.months / 12)))
    return target


def achievement(key: str, value, target: Decimal) -> Decimal:
    """0–100: how far the value reaches its target; missing data earns nothing."""
    if value is None:
        return ZERO
    value = Decimal(value)
    component = COMPONENTS[key]
    if component.higher_is_better:
        ratio = Decimal(1) if target <= 0 else min(value / target, Decimal(1))
    elif value <= target:
        ratio = Decimal(1)
    elif component.unit == "pct":  # a share: linear from the limit (full) down to 100% (nothing)
        ratio = max((HUNDRED - value) / (HUNDRED - target), ZERO)
    else:  # days: target ÷ value
        ratio = target / value
    return (ratio * HUNDRED).quantize(Decimal("0.01"), ROUND_HALF_UP)


def score_values(values: dict, config: dict, period: Period) -> tuple[dict, Decimal]:
    """The achievement of each component and the weighted score (0–100)."""
    achievements = {}
    weighted = ZERO
    total_weight = 0
    for key in COMPONENT_KEYS:
        weight = int(_component_config(key, config)["weight"]) if counts(key, values) else 0
        achieved = achievement(key, values.get(key), effective_target(key, config, period))
        # An OPD with no orders at all earns nothing, even on "lower is better" components.
        if values.get("orders", 0) == 0 and values.get("paid_spending", 0) == 0:
            achieved = ZERO
        achievements[key] = achieved
        weighted += achieved * weight
        total_weight += weight
    score = (weighted / total_weight).quantize(Decimal("0.01"), ROUND_HALF_UP) if total_weight else ZERO
    return achievements, score


def rank_scores(scores: dict[int, Decimal]) -> dict[int, int]:
    """Competition ranking (1, 2, 2, 4) by score, highest first."""
    ordered = sorted(scores.items(), key=lambda item: -item[1])
    ranks, previous, rank = {}, None, 0
    for position, (opd_id, score) in enumerate(ordered, start=1):
        if score != previous:
            rank, previous = position, score
        ranks[opd_id] = rank
    return ranks


@transaction.atomic
def compute_snapshot(
    *, period: Period, scheme: ScoringScheme, by=None, publish: bool = False
) -> ScoreSnapshot:
    """Compute every OPD's index for the period into a new, immutable snapshot."""
    config = scheme.as_config()
    values = compute_components(period)
    snapshot = ScoreSnapshot.objects.create(
        period=period, scheme=scheme, scheme_config=config, computed_at=timezone.now(), computed_by=by
    )
    scored = {opd_id: score_values(v, config, period) for opd_id, v in values.items()}
    ranks = rank_scores({opd_id: score for opd_id, (_a, score) in scored.items()})
    fields = {f.name for f in OPDScore._meta.concrete_fields}
    OPDScore.objects.bulk_create(
        [
            OPDScore(
                snapshot=snapshot,
                opd_id=opd_id,
                achievements={k: str(a) for k, a in scored[opd_id][0].items()},
                score=scored[opd_id][1],
                rank=ranks[opd_id],
                **{k: v for k, v in values[opd_id].items() if k in fields},
            )
            for opd_id in sorted(values)
        ]
    )
    if publish:
        publish_snapshot(snapshot=snapshot, by=by)
    return snapshot


@transaction.atomic
def publish_snapshot(*, snapshot: ScoreSnapshot, by=None) -> ScoreSnapshot:
    """Make a snapshot's ranking public (the dashboard shows the latest published one)."""
    from .selectors import invalidate_dashboard_cache

    if not snapshot.is_published:
        snapshot.is_published = True
        snapshot.published_at = timezone.now()
        snapshot.published_by = by
        snapshot.save(update_fields=["is_published", "published_at", "published_by"])
    # Now, and again after commit: a request in between may have cached the old ranking.
    invalidate_dashboard_cache()
    transaction.on_commit(invalidate_dashboard_cache)
    return snapshot


# --- words ---------------------------------------------------------------------------------------


def fmt_pct(value) -> str:
    """12.50 -> '12,5%'; None -> 'n/a'."""
    if value is None:
        return _("n/a")
    text = f"{Decimal(value).quantize(Decimal('0.1'), ROUND_HALF_UP):f}".replace(".", ",")
    return (text[:-2] if text.endswith(",0") else text) + "%"


def fmt_number(value) -> str:
    if value is None:
        return _("n/a")
    return f"{Decimal(value).normalize():f}".replace(".", ",")


def format_value(key: str, value) -> str:
    unit = COMPONENTS[key].unit
    if value is None:
        return _("n/a")
    if unit == "pct":
        return fmt_pct(value)
    if unit == "days":
        return days_text(value)
    return fmt_number(value)


def days_text(value) -> str:
    """'5 hari' / '5 days': the number formatted, the word in the right plural form."""
    number = Decimal(value)
    count = int(number) if number == number.to_integral_value() else 2
    return ngettext("%(n)s hari", "%(n)s hari", count) % {"n": fmt_number(value)}


def format_target(key: str, target: Decimal) -> str:
    component = COMPONENTS[key]
    text = fmt_pct(target) if component.unit == "pct" else fmt_number(target)
    if component.unit == "days":
        text = days_text(target)
    return ("≥ " if component.higher_is_better else "≤ ") + text


def component_rows(
    values: dict, config: dict, period: Period, achievements: dict | None = None
) -> list[dict]:
    """Each component with its value, target, achievement and weight, ready for a table."""
    if achievements is None:
        achievements, _score = score_values(values, config, period)
    total_weight = (
        sum(int(_component_config(k, config)["weight"]) for k in COMPONENT_KEYS if counts(k, values)) or 1
    )
    rows = []
    for key in COMPONENT_KEYS:
        weight = int(_component_config(key, config)["weight"]) if counts(key, values) else 0
        target = effective_target(key, config, period)
        achieved = Decimal(str(achievements.get(key, 0)))
        rows.append(
            {
                "key": key,
                "label": COMPONENTS[key].label,
                "value": format_value(key, values.get(key)),
                "target": format_target(key, target),
                "achievement": achieved,
                "weight": weight,
                "points": (achieved * weight / total_weight).quantize(Decimal("0.01")),
                "met": achieved >= HUNDRED,
            }
        )
    return rows


def next_steps(values: dict, config: dict, period: Period) -> list[str]:
    """Concrete actions that raise the score, in plain words ("Rp X lagi belanja lokal …")."""
    steps = []
    target = {k: effective_target(k, config, period) for k in COMPONENT_KEYS}
    pagu = values.get("goods_services_pagu")
    local = values.get("local_spending") or ZERO
    paid = values.get("paid_spending") or ZERO
    if pagu is None:
        steps.append(
            _(
                "Pagu belanja barang/jasa tahun ini belum tercatat: minta BPBJ mencatatnya agar belanja lokal dapat diukur."
            )
        )
    elif pagu > 0:
        needed = to_rupiah(pagu * target["local_share"] / HUNDRED - local)
        if needed > 0:
            steps.append(
                _("Belanja produk lokal %(amount)s lagi untuk mencapai %(target)s dari pagu barang/jasa.")
                % {"amount": format_rupiah(needed), "target": fmt_pct(target["local_share"])}
            )
    share = target["umk_share"] / HUNDRED
    umk = values.get("umk_spending") or ZERO
    if share < 1 and paid > 0 and umk < paid * share:
        needed = to_rupiah((share * paid - umk) / (1 - share))
        steps.append(
            _(
                "Arahkan %(amount)s belanja berikutnya ke usaha mikro/kecil agar mencapai %(target)s belanja katalog."
            )
            % {"amount": format_rupiah(needed), "target": fmt_pct(target["umk_share"])}
        )
    for key, text in (
        ("local_vendors", _("Beli dari %(n)s penyedia lokal lain (target %(target)s penyedia).")),
        ("umk_vendors", _("Libatkan %(n)s penyedia mikro/kecil lain (target %(target)s penyedia).")),
        ("orders", _("Buat %(n)s pesanan lagi lewat e-katalog (target %(target)s pesanan).")),
        ("active_days", _("Bertransaksi pada %(n)s hari lagi (target %(target)s hari aktif).")),
    ):
        missing = int(target[key]) - int(values.get(key) or 0)
        if missing > 0:
            steps.append(text % {"n": missing, "target": fmt_number(target[key])})
    days = values.get("payment_days")
    if days is not None and days > target["payment_days"]:
        steps.append(
            _("Percepat pembayaran: median %(n)s hari setelah BAST, target paling lama %(target)s hari.")
            % {"n": fmt_number(days), "target": fmt_number(target["payment_days"])}
        )
    cancel = values.get("cancel_share")
    if cancel is not None and cancel > target["cancel_share"]:
        steps.append(
            _("Kurangi pesanan yang batal atau ditolak: %(n)s, batas %(target)s.")
            % {"n": fmt_pct(cancel), "target": fmt_pct(target["cancel_share"])}
        )
    rup_pagu = values.get("rup_pagu")
    if rup_pagu:
        needed = to_rupiah(rup_pagu * target["realisation"] / HUNDRED - paid)
        if needed > 0:
            steps.append(
                _("Realisasikan %(amount)s lagi pagu RUP e-purchasing lewat katalog (target %(target)s).")
                % {"amount": format_rupiah(needed), "target": fmt_pct(target["realisation"])}
            )
    share = values.get("catalogue_share")
    if share is not None and share < target["catalogue_share"]:
        for leak in values.get("leakage") or []:
            steps.append(leak_sentence(leak, advice=True))
    committed = values.get("committed_spending") or ZERO
    if committed > 0:
        steps.append(
            _(
                "Selesaikan BAST dan pembayaran pesanan yang sudah disepakati senilai %(amount)s: baru dihitung setelah dibayar."
            )
            % {"amount": format_rupiah(committed)}
        )
    return steps


def leak_sentence(leak: dict, *, advice: bool = False) -> str:
    """'Rp1,2 M belanja ATK di luar katalog, padahal 37 produk ATK lokal tayang'."""
    from .charts import short_rupiah

    values = {
        "amount": short_rupiah(Decimal(leak["outside"])),
        "category": leak["category"],
        "n": leak["local_products"],
    }
    if advice:
        return (
            ngettext(
                "Belanjakan %(category)s lewat katalog: %(amount)s dibeli di luar katalog, padahal %(n)s produk %(category)s lokal tayang.",
                "Belanjakan %(category)s lewat katalog: %(amount)s dibeli di luar katalog, padahal %(n)s produk %(category)s lokal tayang.",
                leak["local_products"],
            )
            % values
        )
    return (
        ngettext(
            "%(amount)s belanja %(category)s di luar katalog, padahal %(n)s produk %(category)s lokal tayang",
            "%(amount)s belanja %(category)s di luar katalog, padahal %(n)s produk %(category)s lokal tayang",
            leak["local_products"],
        )
        % values
    )


# --- awards and penalties ------------------------------------------------------------------------


@transaction.atomic
def propose_awards_and_penalties(*, snapshot: ScoreSnapshot) -> list[Proposal]:
    """Propose awards (top N above the thresholds) and penalties (below them) from a snapshot.

    Running it twice proposes nothing new: one proposal per OPD, kind and snapshot.
    """
    config = snapshot.scheme_config
    scores = list(snapshot.scores.select_related("opd").order_by("rank", "opd__name"))
    min_score = Decimal(str(config.get("award_min_score") or 0))
    min_local = config.get("award_min_local_share")
    top_n = int(config.get("award_top_n") or 0)
    pen_local = config.get("penalty_local_share_below")
    pen_score = config.get("penalty_score_below")
    pen_catalogue = config.get("penalty_catalogue_share_below")
    target_local = Decimal(str(config["components"]["local_share"]["target"]))

    wanted = []
    awarded = 0
    for row in scores:
        if awarded >= top_n:
            break
        if row.score < min_score or row.score <= 0:
            continue
        if min_local is not None and (row.local_share is None or row.local_share < Decimal(str(min_local))):
            continue
        awarded += 1
        reason = _(
            "peringkat %(rank)s dengan skor %(score)s; belanja lokal %(local)s dari pagu; %(vendors)s penyedia lokal"
        ) % {
            "rank": row.rank,
            "score": fmt_number(row.score),
            "local": fmt_pct(row.local_share),
            "vendors": row.local_vendors,
        }
        category = AwardCategory.BEST if awarded == 1 else AwardCategory.LOCAL
        wanted.append((row, ProposalKind.AWARD, reason, {"award_category": category}))

    for row in scores:
        reasons = []
        if config.get("penalty_no_use") and row.orders == 0 and row.paid_spending == 0:
            reasons.append(
                _("tidak ada transaksi e-katalog pada periode %(period)s") % {"period": snapshot.period}
            )
        if (
            pen_local is not None
            and row.local_share is not None
            and row.local_share < Decimal(str(pen_local))
        ):
            reasons.append(
                _("belanja lokal %(local)s dari pagu, target %(target)s")
                % {"local": fmt_pct(row.local_share), "target": fmt_pct(target_local)}
            )
        if (
            pen_catalogue is not None
            and row.catalogue_share is not None
            and row.catalogue_share < Decimal(str(pen_catalogue))
        ):
            reasons.append(
                _(
                    "hanya %(share)s belanja yang dapat dipenuhi katalog dibeli lewat katalog (batas %(limit)s)"
                )
                % {"share": fmt_pct(row.catalogue_share), "limit": fmt_pct(Decimal(str(pen_catalogue)))}
            )
            reasons.extend(leak_sentence(leak) for leak in row.leakage or [])
        if pen_score is not None and row.score < Decimal(str(pen_score)) and row.orders:
            reasons.append(
                _("skor %(score)s di bawah batas %(limit)s")
                % {"score": fmt_number(row.score), "limit": fmt_number(Decimal(str(pen_score)))}
            )
        if reasons:
            penalty = PenaltyType.WRITTEN_WARNING if row.orders == 0 else PenaltyType.COACHING
            wanted.append((row, ProposalKind.PENALTY, "; ".join(reasons), {"penalty_type": penalty}))

    proposals = []
    for row, kind, reason, extra in wanted:
        proposal, _created = Proposal.objects.get_or_create(
            snapshot=snapshot, opd=row.opd, kind=kind, defaults={"reason": reason, **extra}
        )
        proposals.append(proposal)
    return proposals


@transaction.atomic
def decide_proposal(*, proposal: Proposal, approve: bool, by, note: str = "", category: str = "") -> Proposal:
    """Approve or reject a proposed award/penalty, recording who, when, the note and the category."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ScoringError(_("Usulan %(p)s sudah diputuskan.") % {"p": proposal})
    fields = ["status", "note", "decided_by", "decided_at"]
    if category:
        if proposal.kind == ProposalKind.AWARD:
            if category not in AwardCategory.values:
                raise ScoringError(_("Kategori penghargaan tidak dikenal."))
            proposal.award_category = category
            fields.append("award_category")
        else:
            if category not in PenaltyType.values:
                raise ScoringError(_("Jenis sanksi tidak dikenal."))
            proposal.penalty_type = category
            fields.append("penalty_type")
    proposal.status = ProposalStatus.APPROVED if approve else ProposalStatus.REJECTED
    proposal.note = note.strip()
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=fields)
    return proposal
