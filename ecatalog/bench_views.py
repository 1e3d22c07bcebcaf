"""Benchmark-only view: routed only when ``settings.BENCH_VIEWS`` is true.

``bare`` renders the site's ``base.html`` for an anonymous visitor without any
database query: the throughput ceiling bench/run.py compares every page against.
"""

from django.shortcuts import render
from django.utils.translation import gettext as _


def bare(request):
    return render(request, "base.html", {"bench_title": _("Halaman uji kecepatan")})
