"""Handing a new mail straight to this process's running sender.

A mail queued in a unit of work (``queue.py``) is inserted already claimed by the sender
running in this process on the same database, when it has room, and the commit hands the
row to it: the sender neither claims it in a transaction of its own nor waits for the
``mail.queued`` event to wake it, and the ``mail`` consumer has nothing to do for that event
(``mail_runtime.py``). A rolled-back transaction hands nothing over and leaves no row. A
process that dies between the commit and the send leaves the row claimed: another sender
takes it over when the claim's lease has run out, as a mail claimed by a sweep.

Senders are found by the engine the unit of work writes through (a registry keyed by
engine, so several platforms in one process never take each other's mails).
"""

from __future__ import annotations

import uuid
import weakref
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from rustok.core.uow import UnitOfWork
from rustok.mail.models import MailMessage

if TYPE_CHECKING:
    from rustok.mail.sender import MailSender

_senders: weakref.WeakKeyDictionary[Engine, MailSender] = weakref.WeakKeyDictionary()


def register(engine: Engine, sender: MailSender) -> None:
    _senders[engine] = sender


def unregister(engine: Engine, sender: MailSender) -> None:
    if _senders.get(engine) is sender:
        del _senders[engine]


def hand_over(uow: UnitOfWork, row: MailMessage, tenant_id: uuid.UUID | None) -> bool:
    """Claim the new mail ``row`` (not yet flushed) for this process's running sender and
    hand it over at ``uow``'s commit; False (the row stays unclaimed, for a sweep) when no
    sender runs here or it has no room."""
    bind = uow.session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    sender = _senders.get(engine)
    if sender is None or tenant_id is None:
        return False
    return sender.take_on_commit(uow, row, tenant_id)
