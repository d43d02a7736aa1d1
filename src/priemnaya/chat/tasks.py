"""Background work of the chat: the e-mail notice of an operator's reply to an absent citizen."""

from __future__ import annotations

from django_tasks import task

from priemnaya.chat import notices


@task()
def operator_replied(chat_id: int) -> bool:
    """Tell the citizen by e-mail that an operator answered while they were away."""
    return notices.operator_replied(chat_id)
