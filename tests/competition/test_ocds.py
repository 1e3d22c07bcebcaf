"""The competitions' OCDS output: valid against the core schema with the bids extension applied
(objects closed, as lib-cove checks), in every state, and sealed until the deadline."""

import json
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from competition import ocds, services
from competition.models import CompetitionStatus
from tests.opendata.ocds_schema import EXTENSION_DIR, strict_errors

from .conftest import at, moment, offer

CS = CompetitionStatus
MONDAY = date(2026, 3, 2)
DEADLINE = moment(date(2026, 3, 5), 10)


def bids_patch():
    folder = EXTENSION_DIR / "bids"
    meta = json.loads((folder / "extension.json").read_text())
    return [json.loads((folder / name).read_text()) for name in meta["schemas"]]


@pytest.fixture
def every_state(start, bidders, opd_member, package):
    """One competition in each state, keyed by status."""
    package.pagu = 30000000
    package.save()
    user = opd_member.user
    made = {}
    with at(MONDAY):
        for key in ("open", "evaluation", "awarded", "confirmed", "negotiation", "failed", "cancelled"):
            made[key] = start(DEADLINE, hps="3000000")
        for key in ("open", "evaluation", "awarded", "confirmed"):
            offer(made[key], bidders[0], 22000)
            offer(made[key], bidders[1], 23000)
        offer(made["negotiation"], bidders[2], 25000)
        services.cancel(competition=made["cancelled"], user=user, reason="Kegiatan ditunda")
    with at(DEADLINE.date(), 11):
        for key in ("evaluation", "awarded", "confirmed", "negotiation", "failed"):
            services.close_if_due(made[key])
        services.award(competition=made["awarded"], user=user)
        services.award(competition=made["confirmed"], user=user)
        services.confirm_award(competition=made["confirmed"], user=bidders[0].user)
        services.negotiate_single(competition=made["negotiation"], user=user)
    for competition in made.values():
        competition.refresh_from_db()
    return made


def test_every_state_validates_against_the_schema_with_the_bids_extension(every_state):
    assert {c.status for c in every_state.values()} == set(CS.values)
    with at(DEADLINE.date(), 12):
        for key, competition in every_state.items():
            package = ocds.release_package(competition, uri="https://example.test/ocds.json")
            assert package["extensions"] == [ocds.BIDS_EXTENSION]
            assert strict_errors("release-package-schema.json", package, bids_patch()) == [], key


def test_bids_carry_values_only_after_the_award_and_nothing_before_the_deadline(every_state):
    with at(DEADLINE.date(), 9, 59, 59):
        sealed = (
            Client().get(reverse("competition:ocds", args=[every_state["open"].pk])).json()["releases"][0]
        )
    assert "numberOfTenderers" not in sealed["tender"] and "statistics" not in sealed["bids"]
    assert {b["status"] for b in sealed["bids"]["details"]} == {"invited"}
    assert "tenderer" not in json.dumps([p["roles"] for p in sealed["parties"]])
    with at(DEADLINE.date(), 12):
        evaluation = ocds.release(every_state["evaluation"])
        awarded = ocds.release(every_state["awarded"])
    assert evaluation["tender"]["numberOfTenderers"] == 2
    assert all("value" not in b for b in evaluation["bids"]["details"])
    values = sorted(b["value"]["amount"] for b in awarded["bids"]["details"] if "value" in b)
    assert values == [2200000, 2300000]
    assert awarded["awards"][0]["relatedBid"] in {b["id"] for b in awarded["bids"]["details"]}
