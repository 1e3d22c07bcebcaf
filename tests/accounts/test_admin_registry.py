"""Every model of the project's apps is in the Django admin (registered, or shown inline
under its parent, as order lines are), and each admin list opens."""

import io

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

PROJECT_APPS = (
    "accounts",
    "catalog",
    "procurement",
    "opd_scoring",
    "opendata",
    "outbox",
    "documents",
    "onboarding",
    "leakage",
    "competition",
)


def _project_models():
    return [model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models()]


def _inline_models():
    return {inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines}


@pytest.mark.parametrize("model", _project_models(), ids=lambda m: m._meta.label)
def test_every_model_is_in_the_admin(model):
    assert admin.site.is_registered(model) or model in _inline_models(), (
        f"{model._meta.label} is not in the admin"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", [m for m in _project_models() if admin.site.is_registered(m)], ids=lambda m: m._meta.label
)
def test_every_admin_list_opens_for_a_bpbj_admin(admin_client_bpbj, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert admin_client_bpbj.get(url, follow=True).status_code == 200


# --- every change page opens on demo-like data ------------------------------------------------


def _seed_demo_like_data():
    """The demo at a small size, plus one row for the few registered models the demo leaves empty."""
    from axes.models import AccessAttempt, AccessFailureLog
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from opd_scoring.models import Proposal, ScoreSnapshot
    from opd_scoring.services import propose_awards_and_penalties
    from opendata.models import RedFlag, RedFlagReview, RedFlagReviewEvent
    from procurement.models import CartItem
    from tests.factories import ProductFactory, UserFactory

    out = io.StringIO()
    call_command("seed_demo", "--products", "60", "--vendors", "8", "--only-catalog", stdout=out)
    call_command("seed_demo_orders", "--orders", "150", stdout=out)
    call_command("seed_demo_realisation", stdout=out)
    call_command("compute_opd_scores", stdout=out)
    call_command("compute_red_flags", stdout=out)
    call_command("seed_demo_deadlines", stdout=out)
    call_command("seed_demo_background", stdout=out)
    call_command("seed_demo_documents", stdout=out)
    call_command("seed_demo_competitions", stdout=out)
    if not Proposal.objects.exists():
        propose_awards_and_penalties(snapshot=ScoreSnapshot.objects.order_by("-pk").first())
    if not RedFlagReview.objects.exists():
        # The demo reviews this year's flags; the small data set here may have none this year.
        flag = RedFlag.objects.order_by("pk").first()
        if flag is not None:
            review = RedFlagReview.objects.create(
                key=f"demo:{flag.pk}", kind=flag.kind, fiscal_year=flag.fiscal_year, period=flag.period,
                opd=flag.opd, status="under_review", note="Diminta penjelasan ke OPD.",
            )  # fmt: skip
            RedFlagReviewEvent.objects.create(review=review, status=review.status, note=review.note)
    Group.objects.get_or_create(name="BPBJ")
    CartItem.objects.create(user=UserFactory(role="buyer"), product=ProductFactory(), quantity=2)
    AccessAttempt.objects.create(
        username="penyedia", ip_address="10.0.0.1", user_agent="x", failures_since_start=1
    )
    AccessFailureLog.objects.create(username="penyedia", ip_address="10.0.0.1", user_agent="x")


def _sample(model):
    """One row to open; for models with a private file, a row that has one."""
    from catalog.models import Vendor
    from procurement.models import Order

    qs = model._default_manager.order_by("pk")
    if model is Vendor:
        qs = qs.filter(documents__isnull=False)
    if model is Order:
        qs = qs.exclude(delivery_note_file="")
    return qs.first()


def _private_download_url(obj):
    from catalog.models import Vendor, VendorDocument
    from documents.models import IssuedDocument
    from procurement.models import Order

    if isinstance(obj, IssuedDocument):
        return reverse("documents:download", args=[obj.order_id, obj.pk])
    if isinstance(obj, VendorDocument):
        return reverse("catalog:document_download", args=[obj.pk])
    if isinstance(obj, Vendor):
        return reverse("catalog:document_download", args=[obj.documents.order_by("pk").first().pk])
    if isinstance(obj, Order):
        return reverse("procurement:delivery_note", args=[obj.pk])
    return None


@pytest.mark.slow
@pytest.mark.django_db
def test_every_admin_change_page_opens_on_demo_like_data(admin_client_bpbj):
    _seed_demo_like_data()
    failures = []
    for model in admin.site._registry:
        label = model._meta.label
        obj = _sample(model)
        if obj is None:
            failures.append(f"{label}: no row to open")
            continue
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        for url in (reverse(f"{name}_changelist"), reverse(f"{name}_change", args=[obj.pk])):
            response = admin_client_bpbj.get(url, follow=True)
            if response.status_code != 200:
                failures.append(f"{label}: {url} answered {response.status_code}")
        download = _private_download_url(obj)
        if download:
            page = admin_client_bpbj.get(reverse(f"{name}_change", args=[obj.pk])).content.decode()
            if f'href="{download}"' not in page:
                failures.append(f"{label}: change page does not link {download}")
            elif admin_client_bpbj.get(download).status_code != 200:
                failures.append(f"{label}: {download} does not download")
    assert not failures, "\n".join(failures)
