from django.conf import settings


def navigation(request):
    """Expose what the layout needs to choose the menu for the signed-in person."""
    user = getattr(request, "user", None)
    return {
        "is_citizen": bool(user and user.is_authenticated and user.is_citizen),
        "is_worker": bool(user and user.is_authenticated and user.works_appeals),
        "demo_mode": settings.DEBUG,
    }
