from django.conf import settings


def site(request):
    """Names every page shows (the city and its procurement agency)."""
    return {"CITY_NAME": settings.CITY_NAME, "AGENCY_NAME": settings.AGENCY_NAME}
