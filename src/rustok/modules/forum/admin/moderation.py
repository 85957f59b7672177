"""``/admin/forum/replies`` (the moderation queue) and ``/admin/forum/topics`` (pin, lock,
close/reopen/archive), through ``ReplyService`` and ``TopicService`` with the permissions of
the REST routes they mirror: moderation ``comments:manage``; pin and lock ``posts:manage``;
topic transitions ``posts:update``; the topic list ``posts:list`` (public over REST).

The buttons on each row are exactly the moves the forum's state machines allow (SM-3).
List statements (50 rows), asserted in ``tests/admin/test_forum_admin.py``: replies — the
session check, the count, the page, the replies' node reads and their topics' in batches;
topics — the session check, the count, the page and the topics' node reads.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from rustok.core.context import current_context
from rustok.core.errors import InvalidTransition, ValidationFailed
from rustok.modules.content.interface import read_chain
from rustok.modules.content.web import CONTENT_DEPENDENCIES, AccessDep
from rustok.modules.forum.admin.paths import REPLIES_PATH, TOPICS_PATH
from rustok.modules.forum.replies import ReplyService
from rustok.modules.forum.state import (
    ModerationTarget,
    TopicAction,
    apply_topic,
    load_reply_state,
    load_topic_state,
    moderate,
)
from rustok.modules.forum.topics import TopicService
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.lists import PER_PAGE, Column, ListSpec, ListView, list_query
from rustok.web.admin.render import Crumb, page, redirect_with_flash
from rustok.web.deps import PlatformDep

AnyRequest = Request[Any, Any, Any]
T = TypeVar("T", bound=str)
TARGETS: tuple[ModerationTarget, ...] = ("approved", "rejected", "hidden")
TARGET_LABELS = {"approved": N_("Approve"), "rejected": N_("Reject"), "hidden": N_("Hide")}
TOPIC_ACTIONS: tuple[TopicAction, ...] = ("close", "reopen", "archive")
TOPIC_LABELS = {"close": N_("Close"), "reopen": N_("Reopen"), "archive": N_("Archive")}
FLAGS = {"pin": ("is_pinned", True), "unpin": ("is_pinned", False),
         "lock": ("is_locked", True), "unlock": ("is_locked", False)}  # fmt: skip
FLAG_LABELS = {"pin": N_("Pin"), "unpin": N_("Unpin"), "lock": N_("Lock"), "unlock": N_("Unlock")}
REPLY_LIST = ListSpec(
    columns=(
        Column("reply", N_("Reply")), Column("topic", N_("Topic")), Column("author", N_("Author")),
        Column("status", N_("Status")), Column("created", N_("Created")),
        Column("actions", N_("Actions")),
    ),
    sorts=("created",), default_sort="created", searchable=False,
    filters={"status": (N_("pending"), N_("approved"), N_("hidden"), N_("rejected"))},
)  # fmt: skip
TOPIC_LIST = ListSpec(
    columns=(
        Column("title", N_("Title")), Column("status", N_("Status")),
        Column("replies", N_("Replies")), Column("pending", N_("Pending")),
        Column("activity", N_("Last activity")), Column("actions", N_("Actions")),
    ),
    sorts=("activity",), default_sort="activity", searchable=False,
    filters={"status": (N_("open"), N_("closed"), N_("archived"))},
)  # fmt: skip


def _chain() -> list[str]:
    tenant = current_context().tenant
    return read_chain(tenant, None, None) if tenant is not None else ["en"]


def _allowed(candidates: tuple[T, ...], move: Callable[[T], object]) -> list[T]:
    allowed = []
    for candidate in candidates:
        try:
            move(candidate)
        except InvalidTransition:
            continue
        allowed.append(candidate)
    return allowed


def _reply_moves(status: str) -> list[ModerationTarget]:
    state = load_reply_state(status)
    return _allowed(TARGETS, lambda target: moderate(state, target))


def _topic_moves(status: str) -> list[TopicAction]:
    state = load_topic_state(status)
    return _allowed(TOPIC_ACTIONS, lambda action: apply_topic(state, action))


def _choice(posted: Mapping[str, str], name: str, allowed: tuple[T, ...]) -> T:
    value = posted.get(name)
    for known in allowed:
        if value == known:
            return known
    raise ValidationFailed(f"unknown {name}", errors={name: [f"one of {list(allowed)}"]})


def _back(posted: Mapping[str, str], path: str) -> str:
    """Where to return after a button: the list as it was (its filters and page)."""
    back = posted.get("back", "")
    ok = back.startswith(path) and back[len(path) : len(path) + 1] in ("", "?")
    return back if ok and not any(c in back for c in "\\\r\n") else path


async def _posted(request: AnyRequest) -> dict[str, str]:
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


class ReplyModerationController(Controller):
    path = REPLIES_PATH
    dependencies = CONTENT_DEPENDENCIES
    include_in_schema = False

    @get("/", permission="comments:manage")
    async def queue(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest
    ) -> Response[str]:
        """Replies of every topic, pending first; filter by status; 50 a page."""
        query = list_query(request, REPLY_LIST)
        replies = ReplyService(platform, access)
        chain = _chain()
        result = await replies.queue(
            chain, status=query.filters.get("status"), page=query.page, per_page=PER_PAGE
        )
        topics = await replies.topics_of(result.items, chain)
        rows = [{
            "reply": r, "topic": topics.get(r.topic_id),
            "moves": _reply_moves(r.status),
        } for r in result.items]  # fmt: skip
        title = gettext("Moderation queue")
        return page(
            request, "forum/replies_list.html", title=title,
            crumbs=[Crumb(gettext("Forum")), Crumb(title)], labels=TARGET_LABELS,
            view=ListView(REPLY_LIST, query, REPLIES_PATH, rows, result.total),
        )  # fmt: skip

    @post("/{reply_id:uuid}/moderate", permission="comments:manage")
    async def moderate_reply(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest,
        reply_id: FromPath[uuid.UUID],
    ) -> Response[Any]:  # fmt: skip
        """Approve, reject or hide (the REST ``POST /api/forum/replies/{id}/moderate``)."""
        posted = await _posted(request)
        target = _choice(posted, "status", TARGETS)
        await ReplyService(platform, access).moderate(reply_id, target, _chain())
        return redirect_with_flash(request, _back(posted, REPLIES_PATH), N_("Reply moderated."))


class TopicModerationController(Controller):
    path = TOPICS_PATH
    dependencies = CONTENT_DEPENDENCIES
    include_in_schema = False

    @get("/", permission="posts:list")
    async def list_topics(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest
    ) -> Response[str]:
        """Topics, pinned first, then by latest activity; filter by status; 50 a page."""
        query = list_query(request, TOPIC_LIST)
        result = await TopicService(platform, access).list(
            _chain(), category_id=None, status=query.filters.get("status"),
            page=query.page, per_page=PER_PAGE,
        )  # fmt: skip
        rows = [{
            "topic": t,
            "moves": _topic_moves(t.status),
            "flags": ["unpin" if t.is_pinned else "pin", "unlock" if t.is_locked else "lock"],
        } for t in result.items]  # fmt: skip
        title = gettext("Topics")
        return page(
            request, "forum/topics_list.html", title=title,
            crumbs=[Crumb(gettext("Forum")), Crumb(title)],
            labels={**TOPIC_LABELS, **FLAG_LABELS},
            view=ListView(TOPIC_LIST, query, TOPICS_PATH, rows, result.total),
        )  # fmt: skip

    @post("/{topic_id:uuid}/flag", permission="posts:manage")
    async def set_flag(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest,
        topic_id: FromPath[uuid.UUID],
    ) -> Response[Any]:  # fmt: skip
        """Pin, unpin, lock or unlock (the REST ``/pin``, ``/unpin``, ``/lock``, ``/unlock``)."""
        posted = await _posted(request)
        flag, value = FLAGS[_choice(posted, "flag", tuple(FLAGS))]
        await TopicService(platform, access).set_flag(topic_id, flag, value, _chain())
        return redirect_with_flash(request, _back(posted, TOPICS_PATH), N_("Topic changed."))

    @post("/{topic_id:uuid}/status", permission="posts:update")
    async def change_status(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest,
        topic_id: FromPath[uuid.UUID],
    ) -> Response[Any]:  # fmt: skip
        """Close, reopen or archive (the REST ``/close``, ``/reopen``, ``/archive``)."""
        posted = await _posted(request)
        action = _choice(posted, "action", TOPIC_ACTIONS)
        await TopicService(platform, access).transition(topic_id, action, _chain())
        return redirect_with_flash(request, _back(posted, TOPICS_PATH), N_("Topic changed."))
