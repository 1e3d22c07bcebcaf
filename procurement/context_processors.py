from .models import Notification


def notifications(request):
    """Unread notification count for the navigation (one cheap query per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not (user.is_vendor or user.is_buyer):
        return {}
    return {"nav_unread": Notification.objects.filter(user=user, read_at__isnull=True).count()}
