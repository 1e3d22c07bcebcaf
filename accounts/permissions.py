"""Role checks for views: one decorator per role, 403 for the wrong role."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def role_required(check):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


vendor_required = role_required(lambda u: u.is_vendor and u.vendor_profile is not None)
buyer_required = role_required(lambda u: u.is_buyer and u.opd is not None)
orderer_required = role_required(lambda u: u.is_buyer and u.may_order)
bpbj_required = role_required(lambda u: u.is_bpbj)
