"""BPBJ's tools: edit the scheme, compute and publish snapshots, review award/penalty proposals.

Snapshots and scores are read-only; every action calls the same service the
management command uses.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecatalog.admin_utils import ReadOnlyPermissionsMixin

from .exports import ranking_table, xlsx_response
from .models import (
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
from .services import (
    ScoringError,
    compute_snapshot,
    decide_proposal,
    get_active_scheme,
    get_period,
    period_dates,
    propose_awards_and_penalties,
    publish_snapshot,
)


def _is_bpbj_staff(request) -> bool:
    return request.user.is_active and request.user.is_staff and request.user.is_bpbj


def _queue_snapshot(model_admin, request, period, scheme) -> None:
    """Compute a snapshot in the worker (at national size it takes longer than a request may)."""
    from ecatalog.celery import enqueue, runs_inline

    from . import tasks

    if runs_inline():  # no worker: computed now, as before
        snapshot = compute_snapshot(period=period, scheme=scheme, by=request.user)
        model_admin.message_user(request, _("Snapshot baru: %(s)s") % {"s": snapshot}, messages.SUCCESS)
    elif enqueue(tasks.compute_snapshot, period.pk, scheme.pk, request.user.pk):
        model_admin.message_user(
            request,
            _(
                "Indeks %(p)s sedang dihitung di latar belakang; snapshot baru muncul di daftar dalam beberapa menit."
            )
            % {"p": period},
            messages.SUCCESS,
        )
    else:
        model_admin.message_user(
            request, _("Antrean tugas tidak dapat dihubungi; coba lagi sebentar lagi."), messages.ERROR
        )


class BPBJActionsMixin:
    def has_bpbj_permission(self, request):
        return _is_bpbj_staff(request)


COMPONENT_TITLES = {
    "local_share": _("Belanja lokal terhadap pagu"),
    "umk_share": _("Belanja UMK terhadap belanja katalog"),
    "local_vendors": _("Penyedia lokal berbeda"),
    "umk_vendors": _("Penyedia mikro/kecil berbeda"),
    "orders": _("Jumlah pesanan"),
    "active_days": _("Hari aktif"),
    "payment_days": _("Kecepatan bayar setelah BAST"),
    "cancel_share": _("Pesanan batal/ditolak"),
    "realisation": _("Realisasi pagu RUP e-purchasing"),
    "catalogue_share": _("Belanja lewat katalog dari belanja yang dapat dipenuhi katalog (realisasi SIPD)"),
}
WEIGHTS_ARE_RELATIVE = _(
    "Bobot bersifat relatif: jumlahnya tidak harus 100. Bagian tiap komponen dalam skor = bobotnya "
    "dibagi jumlah semua bobot (mis. bobot 30 dari jumlah 120 = 25%). Setelah disimpan, bagian "
    "tiap komponen ditampilkan dalam persen."
)


def _component_fieldset(title, key):
    return (title, {"fields": ((f"{key}_weight", f"{key}_target"),)})


def weight_share_message(scheme) -> str:
    """What the saved weights mean, in percent of the score, when they do not add up to 100."""
    shares = scheme.weight_shares()
    parts = ", ".join(
        f"{COMPONENT_TITLES[key]} {str(share).replace('.', ',')}%" for key, share in shares.items() if share
    )
    return _(
        "Jumlah bobot %(total)s, bukan 100: bobot dipakai relatif, jadi bagian tiap komponen dalam skor adalah %(parts)s."
    ) % {"total": scheme.total_weight(), "parts": parts}


@admin.register(ScoringScheme)
class ScoringSchemeAdmin(BPBJActionsMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "is_active",
        "local_share_weight",
        "local_share_target",
        "award_top_n",
        "updated_at",
    )
    list_filter = ("is_active",)
    search_fields = ("name",)
    actions = ("compute_current_year",)
    fieldsets = (
        (None, {"fields": ("name", "is_active", "description")}),
        (_("Bobot komponen"), {"fields": (), "description": WEIGHTS_ARE_RELATIVE}),
        _component_fieldset(COMPONENT_TITLES["local_share"], "local_share"),
        _component_fieldset(COMPONENT_TITLES["umk_share"], "umk_share"),
        _component_fieldset(COMPONENT_TITLES["local_vendors"], "local_vendors"),
        _component_fieldset(COMPONENT_TITLES["umk_vendors"], "umk_vendors"),
        _component_fieldset(COMPONENT_TITLES["orders"], "orders"),
        _component_fieldset(COMPONENT_TITLES["active_days"], "active_days"),
        _component_fieldset(COMPONENT_TITLES["payment_days"], "payment_days"),
        _component_fieldset(COMPONENT_TITLES["cancel_share"], "cancel_share"),
        _component_fieldset(COMPONENT_TITLES["realisation"], "realisation"),
        _component_fieldset(COMPONENT_TITLES["catalogue_share"], "catalogue_share"),
        (
            _("Ambang penghargaan dan sanksi"),
            {
                "fields": (
                    ("award_top_n", "award_min_score", "award_min_local_share"),
                    ("penalty_local_share_below", "penalty_score_below", "penalty_no_use"),
                    ("penalty_catalogue_share_below",),
                )
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.total_weight() != 100:
            self.message_user(request, weight_share_message(obj), messages.WARNING)

    @admin.action(description=_("Hitung indeks tahun berjalan dengan skema ini (draf)"), permissions=["bpbj"])
    def compute_current_year(self, request, queryset):
        period = get_period(kind=PeriodKind.YEAR, year=timezone.localdate().year)
        for scheme in queryset:
            _queue_snapshot(self, request, period, scheme)


class PeriodForm(forms.ModelForm):
    class Meta:
        model = Period
        fields = ("kind", "fiscal_year", "number")

    def clean(self):
        data = super().clean()
        kind, year, number = data.get("kind"), data.get("fiscal_year"), data.get("number") or 1
        if kind and year:
            if kind == PeriodKind.YEAR:
                number = data["number"] = 1
            try:
                self.instance.start, self.instance.end = period_dates(kind, year, number)
            except ScoringError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data


@admin.register(Period)
class PeriodAdmin(BPBJActionsMixin, admin.ModelAdmin):
    form = PeriodForm
    list_display = ("__str__", "kind", "fiscal_year", "number", "start", "end")
    list_filter = ("kind", "fiscal_year")
    readonly_fields = ("start", "end")
    actions = ("compute_with_active_scheme",)

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Hitung indeks periode ini dengan skema aktif (draf)"), permissions=["bpbj"])
    def compute_with_active_scheme(self, request, queryset):
        scheme = get_active_scheme()
        for period in queryset:
            _queue_snapshot(self, request, period, scheme)


class OPDScoreInline(admin.TabularInline):
    model = OPDScore
    fields = (
        "rank",
        "opd",
        "score",
        "paid_spending",
        "committed_spending",
        "local_spending",
        "local_share",
        "umk_share",
        "local_vendors",
        "umk_vendors",
        "orders",
        "active_days",
        "payment_days",
        "cancel_share",
        "realisation",
    )
    readonly_fields = fields
    ordering = ("rank",)
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("opd")


@admin.register(ScoreSnapshot)
class ScoreSnapshotAdmin(ReadOnlyPermissionsMixin, BPBJActionsMixin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "period",
        "computed_at",
        "computed_by",
        "is_published",
        "published_at",
        "opd_count",
    )
    list_filter = ("is_published", "period__kind", "period__fiscal_year", "period")
    list_select_related = ("period", "scheme", "computed_by")
    readonly_fields = (
        "period",
        "scheme",
        "scheme_config",
        "computed_at",
        "computed_by",
        "is_published",
        "published_at",
        "published_by",
    )
    inlines = (OPDScoreInline,)
    actions = ("publish", "propose", "recompute", "export_xlsx")
    date_hierarchy = "computed_at"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(opd_total=Count("scores"))

    @admin.display(description=_("jumlah OPD"), ordering="opd_total")
    def opd_count(self, obj):
        return obj.opd_total

    @admin.action(description=_("Publikasikan di dasbor publik"), permissions=["bpbj"])
    def publish(self, request, queryset):
        for snapshot in queryset:
            publish_snapshot(snapshot=snapshot, by=request.user)
        self.message_user(
            request, _("%(n)s snapshot dipublikasikan.") % {"n": queryset.count()}, messages.SUCCESS
        )

    @admin.action(description=_("Usulkan penghargaan dan sanksi"), permissions=["bpbj"])
    def propose(self, request, queryset):
        total = 0
        for snapshot in queryset:
            total += len(propose_awards_and_penalties(snapshot=snapshot))
        self.message_user(request, _("%(n)s usulan siap ditinjau.") % {"n": total}, messages.SUCCESS)

    @admin.action(description=_("Hitung ulang (membuat snapshot baru)"), permissions=["bpbj"])
    def recompute(self, request, queryset):
        for snapshot in queryset.select_related("period", "scheme"):
            _queue_snapshot(self, request, snapshot.period, snapshot.scheme)

    @admin.action(description=_("Ekspor peringkat ke XLSX"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        snapshot = queryset.select_related("period").first()
        headers, rows = ranking_table(snapshot)
        return xlsx_response(f"peringkat-snapshot-{snapshot.pk}.xlsx", str(_("Peringkat OPD")), headers, rows)


@admin.register(OPDScore)
class OPDScoreAdmin(ReadOnlyPermissionsMixin, admin.ModelAdmin):
    list_display = (
        "opd",
        "rank",
        "score",
        "paid_spending",
        "local_share",
        "local_vendors",
        "orders",
        "snapshot",
    )
    list_filter = ("snapshot__is_published", "snapshot__period", "opd")
    list_select_related = ("opd", "snapshot__period")
    search_fields = ("opd__name", "opd__code")
    readonly_fields = [f.name for f in OPDScore._meta.fields]


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan keputusan"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    category = forms.ChoiceField(
        label=_("Kategori penghargaan / jenis sanksi"),
        required=False,
        choices=[
            ("", _("— sesuai usulan —")),
            (_("Penghargaan"), AwardCategory.choices),
            (_("Sanksi"), PenaltyType.choices),
        ],
    )


def _proposal_rows(queryset):
    headers = [
        str(h)
        for h in (
            _("Periode"),
            _("OPD"),
            _("Jenis"),
            _("Alasan"),
            _("Status"),
            _("Kategori/sanksi"),
            _("Catatan"),
            _("Diputuskan oleh"),
            _("Diputuskan pada"),
        )
    ]
    rows = [
        [
            str(p.snapshot.period),
            p.opd.name,
            p.get_kind_display(),
            p.reason,
            p.get_status_display(),
            p.decision_label,
            p.note,
            str(p.decided_by or ""),
            p.decided_at,
        ]
        for p in queryset.select_related("snapshot__period", "opd", "decided_by")
    ]
    return headers, rows


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyPermissionsMixin, BPBJActionsMixin, admin.ModelAdmin):
    list_display = ("opd", "kind", "period", "reason", "status", "decision", "decided_by", "decided_at")
    list_filter = ("status", "kind", "snapshot__period", "opd")
    list_select_related = ("opd", "snapshot__period", "decided_by")
    search_fields = ("opd__name", "opd__code", "reason", "note")
    readonly_fields = (
        "snapshot",
        "opd",
        "kind",
        "reason",
        "status",
        "award_category",
        "penalty_type",
        "note",
        "decided_by",
        "decided_at",
        "created_at",
    )
    actions = ("approve", "reject", "export_xlsx")

    @admin.display(description=_("periode"), ordering="snapshot__period")
    def period(self, obj):
        return obj.snapshot.period

    @admin.display(description=_("kategori/sanksi"))
    def decision(self, obj):
        return obj.decision_label

    def _decide(self, request, queryset, *, approve: bool):
        if not queryset.exists():
            self.message_user(
                request, _("Tidak ada usulan terpilih yang masih menunggu keputusan."), messages.WARNING
            )
            return None
        form = DecisionForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            if not approve and not form.cleaned_data["note"].strip():
                form.add_error("note", _("Tuliskan alasan penolakan."))
            else:
                category = form.cleaned_data["category"]
                done = 0
                for proposal in queryset:
                    fitting = (
                        category in AwardCategory.values
                        if proposal.kind == ProposalKind.AWARD
                        else category in PenaltyType.values
                    )
                    try:
                        decide_proposal(
                            proposal=proposal,
                            approve=approve,
                            by=request.user,
                            note=form.cleaned_data["note"],
                            category=category if fitting else "",
                        )
                        done += 1
                    except ScoringError as exc:
                        self.message_user(request, str(exc), messages.WARNING)
                self.message_user(request, _("%(n)s usulan diputuskan.") % {"n": done}, messages.SUCCESS)
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Setujui usulan") if approve else _("Tolak usulan"),
            "proposals": queryset.select_related("opd", "snapshot__period"),
            "form": form,
            "action": "approve" if approve else "reject",
            "approve": approve,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "opd_scoring/admin/decide_proposals.html", context)

    @admin.action(description=_("Setujui usulan terpilih…"), permissions=["bpbj"])
    def approve(self, request, queryset):
        return self._decide(request, queryset.filter(status=ProposalStatus.PROPOSED), approve=True)

    @admin.action(description=_("Tolak usulan terpilih…"), permissions=["bpbj"])
    def reject(self, request, queryset):
        return self._decide(request, queryset.filter(status=ProposalStatus.PROPOSED), approve=False)

    @admin.action(description=_("Ekspor ke XLSX"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        headers, rows = _proposal_rows(queryset)
        return xlsx_response("usulan-penghargaan-sanksi.xlsx", str(_("Usulan")), headers, rows)
