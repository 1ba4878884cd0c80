"""The readable text of a Slack message: its text plus what CRM integrations put in attachments and blocks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _rich_text(element: Mapping[str, Any]) -> str:
    if element.get("type") in ("text", "link"):
        return str(element.get("text") or element.get("url") or "")
    return "".join(_rich_text(child) for child in element.get("elements", []) if isinstance(child, Mapping))


def _block_text(block: Mapping[str, Any]) -> list[str]:
    parts: list[str] = []
    text = block.get("text")
    if isinstance(text, Mapping) and text.get("text"):
        parts.append(str(text["text"]))
    for field in block.get("fields") or []:
        if isinstance(field, Mapping) and field.get("text"):
            parts.append(str(field["text"]))
    if block.get("type") == "context":
        parts.extend(str(e.get("text")) for e in block.get("elements", []) if isinstance(e, Mapping) and e.get("text"))
    return parts


def message_text(event: Mapping[str, Any]) -> str:
    """People's messages carry `text`; integrations often put the substance in attachments or section blocks."""
    parts: list[str] = []
    if event.get("text"):
        parts.append(str(event["text"]))
    for block in event.get("blocks") or []:
        if not isinstance(block, Mapping):
            continue
        if block.get("type") == "rich_text":
            continue  # a person's rich_text mirrors `text`
        parts.extend(_block_text(block))
    for attachment in event.get("attachments") or []:
        if not isinstance(attachment, Mapping):
            continue
        for key in ("pretext", "title", "text"):
            if attachment.get(key):
                parts.append(str(attachment[key]))
        for field in attachment.get("fields") or []:
            if isinstance(field, Mapping) and field.get("title"):
                parts.append(f"{field['title']}: {field.get('value', '')}")
        if not attachment.get("text") and attachment.get("fallback"):
            parts.append(str(attachment["fallback"]))
    # Keep order, drop exact repeats (a block often repeats `text`).
    seen: set[str] = set()
    unique = [p for p in parts if not (p in seen or seen.add(p))]
    return "\n".join(unique)
