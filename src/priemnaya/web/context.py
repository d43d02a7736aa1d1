from django.conf import settings

from priemnaya.answers.review import answer_drafts_pending_count
from priemnaya.appeals.permissions import head_department_ids
from priemnaya.notifications.selectors import unread_count
from priemnaya.privacy.access import OFFICER_ROLES


def _answer_reviews(user) -> int | None:
    """Return how many answers wait for this user's review, None if they review none."""
    if not (user.sees_all_departments or head_department_ids(user)):
        return None
    return answer_drafts_pending_count(user=user)


def navigation(request):
    """Expose what the layout needs to choose the menu for the signed-in person."""
    user = getattr(request, "user", None)
    is_citizen = bool(user and user.is_authenticated and user.is_citizen)
    is_worker = bool(user and user.is_authenticated and user.works_appeals)
    return {
        "is_citizen": is_citizen,
        "is_worker": is_worker,
        "is_auditor": bool(user and user.is_authenticated and user.role == "auditor"),
        "demo_mode": settings.DEBUG,
        # Where scripts open WebSockets: /ws/ behind the proxy, the ASGI port in the demo.
        "ws_url": settings.PRIEMNAYA_WS_URL or "/ws/",
        "is_privacy_officer": is_worker and user.role in OFFICER_ROLES,  # type: ignore[union-attr]
        # The bell's count (one query), for those who have a feed.
        "unread_notifications": unread_count(request.user) if is_citizen or is_worker else 0,
        # «Ответы на проверке» for heads and quality control (None: the link is not shown).
        "answer_reviews": _answer_reviews(user) if is_worker else None,
    }
