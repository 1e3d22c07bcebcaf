def notifications(request):
    """Unread notification count for the navigation (one cheap query per page)."""
    return {}
