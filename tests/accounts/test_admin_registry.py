"""Every model of the project's apps is in the Django admin (registered, or shown inline
under its parent, as order lines are), and each admin list opens."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

PROJECT_APPS = ("accounts", "catalog", "procurement", "opd_scoring", "opendata", "outbox")


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
