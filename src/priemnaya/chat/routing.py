"""WebSocket routes of the chat, mounted by priemnaya.asgi under /ws/."""

from django.urls import path

from priemnaya.chat.consumers import CitizenChatConsumer, OperatorChatConsumer

websocket_urlpatterns = [
    path("ws/chat/operator/", OperatorChatConsumer.as_asgi()),
    path("ws/chat/<int:chat_id>/", CitizenChatConsumer.as_asgi()),
]
