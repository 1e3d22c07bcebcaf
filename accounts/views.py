from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render


@login_required
def dashboard(request):
    """Each role's home: what waits for it now, oldest first, with its deadline.

    Vendors have their own home (their business page) which shows the same list.
    """
    from procurement import worklist

    user = request.user
    if user.is_vendor:
        return redirect("catalog:vendor_home")
    if user.is_bpbj:
        sections = worklist.bpbj_sections()
    else:
        sections = worklist.opd_sections(user)
    return render(request, "accounts/dashboard.html", {"sections": sections})
