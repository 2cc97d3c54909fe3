"""What a results-topic message must be for both of its readers: the text for email, AWS Chatbot's format for Slack."""

from __future__ import annotations

import json
from typing import Any


def chatbot_notification(published: str, text: str) -> dict[str, Any]:
    """The HTTPS copy of a per-protocol ``published`` message whose email copy is ``text``, checked and returned.

    AWS Chatbot shows only its custom notification format in Slack (version 1.0, source custom): a message
    in any other shape never reaches the channel.
    """
    per_protocol = json.loads(published)
    assert set(per_protocol) == {"default", "https"} and per_protocol["default"] == text  # email and SQS: the text
    chatbot = json.loads(per_protocol["https"])
    assert isinstance(chatbot, dict)
    assert (chatbot["version"], chatbot["source"], chatbot["content"]["textType"]) == (
        "1.0",
        "custom",
        "client-markdown",
    )
    assert chatbot["content"]["description"] == text
    assert chatbot["metadata"]["summary"] == text.splitlines()[0]
    return chatbot
