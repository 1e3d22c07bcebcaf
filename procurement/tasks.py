"""Scheduled tasks: thin wrappers around the deadline rules (procurement.deadlines).

celery beat runs ``procurement.run_deadlines`` (every rule, then the certificate rule);
``manage.py run_deadlines`` runs the same function without a worker.
"""

from celery import shared_task

from . import deadlines


@shared_task(name="procurement.run_deadlines")
def run_deadlines() -> list[str]:
    """Every deadline rule once; returns one line per rule (what it did)."""
    return [str(run) for run in deadlines.run_all()]


@shared_task(name="procurement.run_deadline_rule")
def run_deadline_rule(rule: str) -> str:
    """One rule (an order rule's key, or ``certificate_expiry``)."""
    if rule == deadlines.CERTIFICATE_EXPIRY:
        from catalog.certificates import run_certificate_rule

        return str(run_certificate_rule())
    return str(deadlines.run_rule(rule))
