"""Resources: the event catalogue (every event type, its version and payload schema)."""

from __future__ import annotations

import json

from rustok.bootstrap import load_event_catalogue

CATALOGUE_URI = "rustok://events/catalogue"
CATALOGUE_NAME = "event-catalogue"
CATALOGUE_MIME = "application/schema+json"
CATALOGUE_DESCRIPTION = (
    "Every event type with its schema version and payload as JSON Schema (draft 2020-12), "
    "as `rustok events schema` prints it; webhooks and NATS subscribers receive these."
)


def catalogue_text() -> str:
    return json.dumps(load_event_catalogue().json_schema(), indent=2, sort_keys=True)
