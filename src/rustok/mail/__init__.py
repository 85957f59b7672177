"""Outgoing mail through the outbox: queued rows, the ``mail`` consumer and its sender (W-7).

    service: MailQueue.queue(uow, …)  -> mail_messages row + internal ``mail.queued`` event
             (one transaction with the write that needs the mail: nothing is sent by a request)
    relay -> ``mail`` consumer        -> claims the row with its inbox mark, hands it over
    MailSender (every process running the events)
             -> drops it if its token expired, renders the template, sends through the SMTP
                circuit breaker with a timeout, records the outcome on the row;
                a failure is retried after RUSTOK_MAIL_RETRY_DELAYS (10 s … 10 min), the
                retries and abandoned claims are picked up by the sender's own sweep.

A one-time token never travels in an event: it is sealed (AES-GCM, a key derived from
``RUSTOK_SECRET_KEY``) on the mail row and wiped once the mail is sent, dropped or failed.
"""
