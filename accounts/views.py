from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render


@login_required
def dashboard(request):
    """Send each role to its own home page."""
    user = request.user
    if user.is_vendor:
        return redirect("catalog:vendor_home")
    if user.is_bpbj:
        return redirect("catalog:curation_queue")
    return render(request, "accounts/dashboard.html")
