"""Notification throughput: 10,000 journal events through e-mail and webhooks, against the limit.

    uv run python bench/notify_throughput.py [--events 10000] [--workers 1] [--database-url URL]

1. The limit: the local SMTP server (aiosmtpd storing into a Maildir, in its own process) is fed
   alone by one client over one connection with messages like ours, prebuilt: its acceptance rate.
2. The run: a fresh database gets the events (appeals filed and staff comments, each one e-mail to
   the applicant and one webhook delivery), then `priemnaya worker` processes start and the clock
   runs until the SMTP server holds every e-mail and the receiver every webhook.
Writes bench/results/notify_throughput-<database>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import smtplib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from fresh import fresh_database  # noqa: E402
from tests.receivers import Sink  # noqa: E402


def _sample_message() -> bytes:
    from django.core.mail import EmailMultiAlternatives

    text = (
        "Здравствуйте, Залпова Анна!\n\nОбращение № 26-0001234-9 зарегистрировано.\n"
        "Срок ответа — до 23.12.2026.\nПодробнее: http://127.0.0.1:8000/cabinet/appeals/2600012349/\n"
    )
    message = EmailMultiAlternatives(
        "Обращение № 26-0001234-9: получено", text, "noreply@priemnaya.local", ["a@example.ru"]
    )
    message.attach_alternative("<p>" + text.replace("\n", "<br>\n") + "</p>", "text/html")
    return message.message().as_bytes(linesep="\r\n")


def smtp_limit(count: int, *, runs: int = 3) -> float:
    """Messages per second the SMTP server accepts from one connection, nothing else running:
    the best of a few runs, so that a slow moment of the machine does not lower the bar."""
    return max(_smtp_rate(count) for _ in range(runs))


def _smtp_rate(count: int) -> float:
    folder = Path(tempfile.mkdtemp(prefix="priemnaya-smtp-limit-"))
    sink = Sink.start("smtp", folder)
    raw = _sample_message()
    try:
        client = smtplib.SMTP("127.0.0.1", sink.port)
        started = time.perf_counter()
        for _ in range(count):
            client.sendmail("noreply@priemnaya.local", ["a@example.ru"], raw)
        elapsed = time.perf_counter() - started
        client.quit()
    finally:
        sink.stop()
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    env = fresh_database(args.database_url)
    import django

    django.setup()
    limit = smtp_limit(min(args.events, 3000))

    folder = Path(tempfile.mkdtemp(prefix="priemnaya-notify-bench-"))
    smtp, hooks = Sink.start("smtp", folder), Sink.start("webhook", folder)
    env.update(
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
        PRIEMNAYA_INCIDENT_THRESHOLD="1000000",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    )
    # The workers run as in production (no test-only consumer of the journal), debug off.
    worker_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "priemnaya.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
    }
    appeals = max(1, args.events // 5)
    comments = args.events - appeals
    seeded_at = time.perf_counter()
    subprocess.run(  # noqa: S603 — our own module
        [sys.executable, "-m", "tests.notifications.burst", "seed", str(appeals),
         "--webhook-url", f"http://127.0.0.1:{hooks.port}/hook", "--comments", str(comments)],
        env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    seed_seconds = time.perf_counter() - seeded_at
    from priemnaya.appeals.models import Event

    # Every event is one webhook delivery; the applicant's e-mails are one per event they are told
    # of (all of them here: filed appeals and staff comments).
    hook_target = Event.objects.count()
    mail_target = args.events
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "priemnaya.cli", "worker"], env=worker_env, cwd=ROOT
        )
        for _ in range(args.workers)
    ]
    started = time.perf_counter()
    email_done = hooks_done = None
    try:
        while time.perf_counter() - started < 1800 and (email_done is None or hooks_done is None):
            now = time.perf_counter() - started
            if email_done is None and smtp.count() >= mail_target:
                email_done = now
            if hooks_done is None and hooks.count() >= hook_target:
                hooks_done = now
            time.sleep(0.2)  # listing a Maildir of 10,000 files costs CPU too
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(30)
        emails, webhook_posts = smtp.count(), hooks.count()
        smtp.stop()
        hooks.stop()
    both = max(email_done or 0, hooks_done or 0)
    result = {
        "database": env["DATABASE_URL"].split(":", 1)[0],
        "events": args.events,
        "workers": args.workers,
        "seed_seconds": round(seed_seconds, 1),
        "smtp_limit_per_second": round(limit, 1),
        "emails_delivered": emails,
        "webhooks_delivered": webhook_posts,
        "email_seconds": round(email_done, 2) if email_done else None,
        "emails_per_second": round(mail_target / email_done, 1) if email_done else None,
        "webhooks_per_second": round(hook_target / hooks_done, 1) if hooks_done else None,
        "both_seconds": round(both, 2),
        "share_of_limit": round(mail_target / email_done / limit, 3) if email_done else None,
    }
    out = ROOT / "bench" / "results" / f"notify_throughput-{result['database']}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
