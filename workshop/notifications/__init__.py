"""Messages that reach the customer: templates, SMS gateways and e-mail, queued on Celery, retried, never sent twice;
and the periodic reminders that create them.

- `messages`: events, their placeholders and default texts, `render`, `queue`, `notify`, `for_service`;
- `encoding`: GSM-7 / UCS-2, characters and segments, the French GSM-7 writing;
- `gateways`: one module per SMS backend (`ECAR_SMS_BACKEND`), `email` for e-mail;
- `sending`: claim, send, record (the idempotent delivery of one row); `tasks`: the Celery tasks;
- `rules`: quiet hours and consent; `schedule`: the periodic tasks to merge into CELERY_BEAT_SCHEDULE;
- `obligations`, `reminders_due`, `reminders`, `reminder_tasks`: what falls due (service, payment, declined work,
  visite technique, vignette), and the daily run that records each reminder once.
"""
