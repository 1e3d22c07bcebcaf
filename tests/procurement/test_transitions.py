"""The transition table, exhaustively: every (from, to, role) is allowed exactly when the table says so."""

import itertools

import pytest
from django.utils import timezone

from procurement import services
from procurement.models import Order, OrderStatus
from procurement.services import TRANSITIONS, ActorRole, TransitionError

from .factories import make_order

STATUSES = [s.value for s in OrderStatus]
ROLES = list(ActorRole.ALL)


@pytest.mark.django_db
def test_every_status_pair_and_role_follows_the_table(role_users, outsiders, opd, vendor):
    order = Order(opd=opd, vendor=vendor)
    checked = 0
    for from_status, to_status in itertools.product(STATUSES, STATUSES):
        order.status = from_status
        allowed = TRANSITIONS.get((from_status, to_status), frozenset())
        for role, user in role_users.items():
            assert services.role_of(user, order) == role
            if role in allowed:
                assert services.ensure_transition(order, to_status, by=user) == role
            else:
                with pytest.raises(TransitionError):
                    services.ensure_transition(order, to_status, by=user)
            checked += 1
        for user in outsiders.values():
            with pytest.raises(TransitionError):
                services.ensure_transition(order, to_status, by=user)
    assert checked == len(STATUSES) ** 2 * len(ROLES)


def test_terminal_statuses_have_no_way_out():
    for terminal in (OrderStatus.COMPLETED, OrderStatus.REJECTED, OrderStatus.CANCELLED):
        assert not [pair for pair in TRANSITIONS if pair[0] == terminal]


def test_cancel_is_only_possible_before_shipment():
    assert set(services.CANCELLABLE) == {
        OrderStatus.DRAFT,
        OrderStatus.PENDING_APPROVAL,
        OrderStatus.SENT,
        OrderStatus.NEGOTIATING,
        OrderStatus.ACCEPTED,
    }


def _call(action, order, user):
    today = timezone.localdate()
    if action == "send":
        return services.send_to_vendor(order=order, by=user)
    if action == "approve":
        return services.approve_order(order=order, by=user)
    if action == "accept":
        return services.accept_order(order=order, by=user)
    if action == "reject":
        return services.reject_order(order=order, by=user, reason="Stok habis")
    if action == "cancel":
        return services.cancel_order(order=order, by=user, reason="Tidak jadi")
    if action == "ship":
        return services.ship_order(order=order, by=user, note="Kurir sendiri")
    if action == "receive":
        line = order.lines.get()
        return services.record_receipt(
            order=order,
            by=user,
            quantities={line.pk: line.quantity - line.received_quantity},
            received_on=today,
        )
    if action == "pay":
        return services.record_payment(order=order, by=user, paid_on=today, reference="TRF-1")
    if action == "complete":
        return services.complete_order(order=order, by=user)
    raise AssertionError(action)


# action -> status it moves the order to
ACTION_TARGET = {
    "send": OrderStatus.SENT,
    "approve": OrderStatus.SENT,
    "accept": OrderStatus.ACCEPTED,
    "reject": OrderStatus.REJECTED,
    "cancel": OrderStatus.CANCELLED,
    "ship": OrderStatus.SHIPPED,
    "receive": OrderStatus.RECEIVED,
    "pay": OrderStatus.PAID,
    "complete": OrderStatus.COMPLETED,
}


def _allowed_roles(action, from_status):
    allowed = set(TRANSITIONS.get((from_status, ACTION_TARGET[action]), ()))
    # No user plays "system": the deadline rules act through their own services (test_deadlines).
    allowed.discard(ActorRole.SYSTEM)
    if action == "approve" and from_status != OrderStatus.PENDING_APPROVAL:
        allowed = set()  # approve only ever means PENDING_APPROVAL -> SENT
    if action == "send" and from_status != OrderStatus.DRAFT:
        allowed = set()
    return allowed


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(ACTION_TARGET))
def test_each_action_is_allowed_exactly_for_the_tables_roles(
    action, role_users, outsiders, buyer, package, product
):
    for from_status in STATUSES:
        allowed = _allowed_roles(action, from_status)
        order = make_order(buyer=buyer, package=package, items=[(product, 2)], status=from_status)
        refused = [u for r, u in role_users.items() if r not in allowed] + list(outsiders.values())
        for user in refused:
            with pytest.raises(TransitionError):
                _call(action, order, user)
            order.refresh_from_db()
            assert order.status == from_status, (action, from_status)
        for role in allowed:
            fresh = make_order(buyer=buyer, package=package, items=[(product, 2)], status=from_status)
            _call(action, fresh, role_users[role])
            fresh.refresh_from_db()
            assert fresh.status == ACTION_TARGET[action], (action, from_status, role)
            assert fresh.events.filter(to_status=fresh.status, actor=role_users[role]).exists()
