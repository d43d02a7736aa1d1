"""E-mail sender throughput against a local SMTP server, and the server's own acceptance rate.

    uv run python bench/notify_email.py [--messages 5000] [--database-url URL]

Starts aiosmtpd on 127.0.0.1 in its own process (in this one it would share the GIL with the
sender), then measures (1) the limit: the server alone, fed the same messages pre-built over
one connection by bare smtplib; (2) the sender: `deliver_once` draining
as many planned notification rows (claim, build MIME, SMTP, record attempts). Writes
bench/results/notify_email-<database>.json with both rates and their ratio (target ≥ 0.5).
"""

from __future__ import annotations

import argparse
import json
import smtplib
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from fresh import fresh_database  # noqa: E402

SERVER = [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--senders", type=int, default=2, help="sender loops (threads)")
    parser.add_argument("--profile", action="store_true", help="profile one batch first")
    args = parser.parse_args()
    fresh_database(args.database_url)

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from priemnaya.accounts.models import User
    from priemnaya.appeals import services
    from priemnaya.appeals.models import Event
    from priemnaya.catalog.services import catalog_load_defaults
    from priemnaya.notifications import channels, sender
    from priemnaya.notifications.channels.email import _payload, mail_domain, message_for
    from priemnaya.notifications.models import Notification
    from priemnaya.notifications.rendering import render

    port = free_port()
    server = subprocess.Popen(  # noqa: S603 — our own interpreter and a fixed command
        [*SERVER, "-l", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    channels.reset()
    try:
        # Reruns against the same database (a PostgreSQL URL) reuse the first run's appeal.
        citizen = User.objects.filter(email="bench@example.ru").first()
        if citizen is None:
            catalog_load_defaults()
            citizen = User.objects.create_user(
                email="bench@example.ru", password=None, full_name="Бенч Бенчев", role="citizen"
            )
            services.appeal_submit(
                actor=citizen,
                data=services.AppealInput(
                    kind="support",
                    theme="tech-login",
                    subject="Не могу войти в кабинет",
                    text="После ввода пароля страница обновляется.",
                    contact_email="bench@example.ru",
                ),
            )
        appeal = citizen.appeals.get()
        event = Event.objects.get(appeal=appeal, type="registered")
        text = render(event, channel="email", audience="applicant")

        def plan() -> None:
            Notification.objects.all().delete()
            Notification.objects.bulk_create(
                Notification(
                    event=event,
                    appeal=appeal,
                    channel="email",
                    address=f"reader{n}@example.ru",
                    audience="applicant",
                    subject=text.subject,
                    body=text.text,
                    html=text.html,
                )
                for n in range(args.messages)
            )

        # (1) the limit: the server alone, the same messages pre-built, one connection
        plan()
        domain = mail_domain()
        rows = list(Notification.objects.select_related("appeal"))
        payloads = [_payload(message_for(row, domain=domain)) for row in rows]
        started = time.perf_counter()
        for row in rows:
            _payload(message_for(row, domain=domain))
        build_seconds = time.perf_counter() - started
        smtp = smtplib.SMTP("127.0.0.1", port)
        started = time.perf_counter()
        for row, data in zip(rows, payloads, strict=True):
            smtp.sendmail("noreply@priemnaya.local", [row.address], data)
        limit_seconds = time.perf_counter() - started
        smtp.quit()

        # (2) the sender: claim, build, send, record
        plan()
        started = time.perf_counter()
        if args.profile:
            import cProfile

            cProfile.runctx(
                "sender.deliver_once(channel='email', limit=sender.LOOP_BATCH)",
                globals(),
                locals(),
                sort="cumulative",
            )

        def drain() -> None:
            try:
                sender.drain(channel="email")
            finally:
                connection.close()

        loops = [threading.Thread(target=drain) for _ in range(args.senders)]
        for loop in loops:
            loop.start()
        for loop in loops:
            loop.join()
        sender_seconds = time.perf_counter() - started
        delivered = Notification.objects.filter(state="sent").count()
        if delivered != args.messages:
            raise SystemExit(f"delivered {delivered} of {args.messages}")
    finally:
        server.terminate()
        server.wait(10)

    limit_rate = args.messages / limit_seconds
    sender_rate = args.messages / sender_seconds
    result = {
        "database": connection.vendor,
        "messages": args.messages,
        "sender_loops": args.senders,
        "server_alone_per_second": round(limit_rate, 1),
        "sender_per_second": round(sender_rate, 1),
        "ratio": round(sender_rate / limit_rate, 3),
        "build_ms_per_message": round(build_seconds * 1000 / args.messages, 3),
    }
    print(json.dumps(result, indent=2))
    out = ROOT / "bench" / "results" / f"notify_email-{connection.vendor}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
