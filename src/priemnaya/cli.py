"""The `priemnaya` command: demo, serve, worker, migrate, load-catalog, load-demo, audit, search,
suggest, manage."""

from __future__ import annotations

import argparse
import os
import sys

from priemnaya.core.supervisor import ChildSpec, Supervisor


def _django(settings: str = "priemnaya.settings") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def cmd_migrate(_args) -> None:
    _django()
    _manage("migrate", "--no-input")
    _manage("load_catalog")


def cmd_load_catalog(_args) -> None:
    _django()
    _manage("load_catalog")


def cmd_load_demo(args) -> None:
    _django()
    from django.core.management import call_command

    call_command("load_demo", force=args.force)


def cmd_worker(args) -> None:
    _django()
    from django.core.management import call_command

    call_command("run_worker", interval=args.interval)


def _granian(
    target: str, interface: str, host: str, port: int, workers: int, threads: int = 0
) -> list[str]:
    # Without --respawn-failed-workers granian shuts down entirely when one worker dies; with it,
    # only that worker is replaced (a worker dying again within 5.5 s makes granian exit, and the
    # supervisor restarts it with back-off). The kill timeout bounds granian's own shutdown when
    # it is stopped by PR_SET_PDEATHSIG and no supervisor is left to SIGKILL it.
    command = [
        sys.executable, "-m", "granian", "--interface", interface, "--host", host,
        "--port", str(port), "--workers", str(workers), "--no-ws" if interface == "wsgi" else
        "--ws", "--respawn-failed-workers", "--workers-kill-timeout", "8",
    ]  # fmt: skip
    if interface == "wsgi":
        # Each WSGI thread keeps its own database connection (CONN_MAX_AGE): granian's default
        # of 256 threads per worker let a stall open more connections than PostgreSQL allows
        # («too many clients» in the benchmark at 8 clients). Bounded, connections are
        # workers × threads (docs/deployment.md).
        threads = threads or int(os.environ.get("PRIEMNAYA_WEB_THREADS", "8"))
        command += ["--blocking-threads", str(threads), "--backpressure", str(threads * 4)]
    return [*command, target]


def cmd_serve(args) -> None:
    """Production serving: HTTP through WSGI workers, WebSockets through an ASGI process."""
    _django()
    # Hashed static names must exist before the first page renders (ManifestStaticFilesStorage).
    _manage("collectstatic", "--no-input", "-v", "0")
    http = _granian("priemnaya.wsgi:application", "wsgi", args.host, args.port, args.workers)
    websocket = _granian("priemnaya.asgi:application", "asginl", args.host, args.ws_port, 1)
    children = [ChildSpec("http", http), ChildSpec("websocket", websocket)]
    sys.exit(Supervisor(children).run())


DEMO_BANNER = """
  Приёмная запущена: http://{host}:{port}/

  Демо-учётные записи (пароль у всех: {password}):
{accounts}
  Сотрудники входят со вторым фактором: после пароля введите код из SMS — он виден
  на странице http://{host}:{port}/dev/outbox/ (у гражданина второй фактор не включён).
  API: http://{host}:{port}/api/v1/docs · Администрирование: http://{host}:{port}/admin/
  Исходящие письма и SMS: http://{host}:{port}/dev/outbox/ · Вебхуки: http://{host}:{port}/dev/webhooks/
  Входящая почта (SMTP): {mail_host}:{mail_port}, адрес {mail_address} · разбор: /console/mail/
  Остановить: Ctrl+C
"""


def cmd_demo(args) -> None:
    """Migrate the embedded database, load demo data, serve pages, API and worker in one go.

    Served like production (`serve`): pages and the API through granian WSGI on --port, WebSockets
    through granian ASGI on --ws-port (port + 1), plus one worker.
    """
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("PRIEMNAYA_AUTOCLOSE_EVERY", "60")
    os.environ.setdefault("PRIEMNAYA_OPEN_DATA", "1")  # issue 14: the public open-data pages
    # Links in notifications and the demo webhook endpoint point at this very server.
    os.environ.setdefault("PRIEMNAYA_SITE_URL", f"http://{args.host}:{args.port}")
    # HTTP goes through WSGI as in production; WebSockets (/ws/) through an ASGI process on a
    # port of its own, which pages learn from this setting (no proxy in front of the demo).
    ws_port = args.ws_port or args.port + 1
    os.environ.setdefault("PRIEMNAYA_WS_URL", f"ws://{args.host}:{ws_port}/ws/")
    # Inbound mail on port + 5 unless told otherwise (8000 → 8005), on the demo's host.
    os.environ.setdefault("PRIEMNAYA_MAIL_INBOUND", f"{args.host}:{args.port + 5}")
    _django()
    from django.conf import settings

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    _manage("migrate", "--no-input", "-v", "0")
    _manage("load_catalog")
    from priemnaya.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    _manage("load_demo")
    # Answers are signed (issue 10): the demo makes its own key in VAR_DIR/keys the first time.
    from priemnaya.answers.signing import KeyError_, signing_key

    try:
        signing_key()
    except KeyError_:
        _manage("keys_generate")
    accounts = "\n".join(f"    {role:<14} {email}" for role, email, _ in DEMO_ACCOUNTS)
    from priemnaya.mail_intake.server import parse_address

    mail_host, mail_port = parse_address(settings.PRIEMNAYA_MAIL_INBOUND)
    children = [
        ChildSpec("web", _granian("priemnaya.wsgi:application", "wsgi", args.host, args.port, 1)),
        ChildSpec(
            "websocket", _granian("priemnaya.asgi:application", "asginl", args.host, ws_port, 1)
        ),
        ChildSpec("worker", [sys.executable, "-m", "priemnaya.cli", "worker"]),
        ChildSpec("mail", [sys.executable, "-m", "priemnaya.cli", "mail", "serve"]),
    ]
    print(
        DEMO_BANNER.format(
            host=args.host,
            port=args.port,
            password=DEMO_PASSWORD,
            accounts=accounts,
            mail_host=mail_host,
            mail_port=mail_port,
            mail_address=sorted(settings.PRIEMNAYA_MAIL_ADDRESSES)[0],
        ),
        flush=True,
    )
    sys.exit(Supervisor(children).run())


def cmd_mail_serve(args) -> None:
    """The inbound SMTP endpoint of the e-mail intake (docs/mail-intake.md)."""
    _django()
    import signal
    import threading

    from django.conf import settings

    from priemnaya.mail_intake.server import parse_address, serve

    host, port = parse_address(args.listen or settings.PRIEMNAYA_MAIL_INBOUND)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    serve(host, port, stop=stop)


def cmd_pd_check(_args) -> None:
    """List every store of personal data and its location; exit 1 if one is not in the RF."""
    _django()
    _manage("pd_check")


def cmd_keys_generate(args) -> None:
    """Create a signing key pair for answers (issue 10): Ed25519 or GOST R 34.10-2012."""
    _django()
    options = {"algorithm": args.algorithm}
    if args.out:
        options["out"] = args.out
    from django.core.management import call_command

    call_command("keys_generate", **options)


def cmd_audit_verify(_args) -> None:
    """Walk the audit log's hash chain: «Цепочка цела» and exit 0, or the first broken link, 1."""
    _django()
    from django.core.management import CommandError

    try:
        _manage("audit_verify")
    except CommandError as exc:
        print(exc, file=sys.stderr)
        sys.exit(1)


BENCH_MISSING = (
    "priemnaya bench: папки bench/ нет рядом с пакетом — замеры запускаются из клона "
    "репозитория (uv run priemnaya bench …), а не из установленного пакета."
)


def _bench_suite():
    """The suite lives in the repository's bench/ folder, not in the installed package."""
    import importlib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    if not (root / "bench" / "suite" / "cli.py").is_file():
        return None
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    return importlib.import_module("bench.suite.cli")


def cmd_search_rebuild(args) -> None:
    _django()
    _manage("search_rebuild", *(["--clear"] if args.clear else []))


def cmd_analytics_rebuild(_args) -> None:
    _django()
    _manage("analytics_rebuild")


def cmd_suggest_train(args) -> None:
    _django()
    extra = ["--results", args.results] if args.results else []
    _manage("suggest_train", "--holdout", str(args.holdout), "--seed", str(args.seed), *extra)


def cmd_bench_missing(_args) -> None:
    sys.exit(BENCH_MISSING)


def cmd_hotline_simulate(args) -> None:
    """Ring an operator through the CTI webhook; end the call when --duration is given."""
    _django()
    from django.conf import settings

    from priemnaya.hotline.simulator import hang_up, ring

    url = args.url or settings.PRIEMNAYA_SITE_URL
    call_id, sent = ring(
        url, line=args.line, caller=args.caller, agent=args.agent, answer=not args.missed
    )
    if args.duration or args.missed:
        sent.append(hang_up(url, call_id, args.duration))
    for delivery in sent:
        print(f"{call_id} {delivery.event}: {delivery.status} {delivery.body}")
    if any(d.status >= 400 for d in sent):
        sys.exit(1)


def cmd_manage(args) -> None:
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["priemnaya manage", *args.rest])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="priemnaya", description="Приёмная — обращения граждан")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="демо: SQLite, демо-данные, сервер и воркер")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument(
        "--ws-port", type=int, default=0, help="порт WebSocket (ASGI); по умолчанию --port + 1"
    )
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="production: WSGI (HTTP) + ASGI (WebSocket)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--ws-port", type=int, default=8001)
    serve.add_argument("--workers", type=int, default=max(os.cpu_count() or 1, 2))
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="фоновые задачи и периодические проверки")
    worker.add_argument("--interval", type=float, default=1.0)
    worker.set_defaults(func=cmd_worker)

    sub.add_parser("migrate", help="миграции и каталог по умолчанию").set_defaults(func=cmd_migrate)
    sub.add_parser("load-catalog", help="каталог тем по умолчанию").set_defaults(
        func=cmd_load_catalog
    )
    load_demo = sub.add_parser("load-demo", help="демо-данные (только при DEBUG)")
    load_demo.add_argument("--force", action="store_true", help="загрузить и при DEBUG=0")
    load_demo.set_defaults(func=cmd_load_demo)

    mail = sub.add_parser("mail", help="приём электронной почты").add_subparsers(
        dest="mail", required=True
    )
    mail_serve = mail.add_parser("serve", help="SMTP-приём писем (PRIEMNAYA_MAIL_INBOUND)")
    mail_serve.add_argument("--listen", default="", help="host:port вместо PRIEMNAYA_MAIL_INBOUND")
    mail_serve.set_defaults(func=cmd_mail_serve)

    sub.add_parser("pd-check", help="где хранятся персональные данные (152-ФЗ)").set_defaults(
        func=cmd_pd_check
    )
    audit = sub.add_parser("audit", help="журнал аудита").add_subparsers(
        dest="audit", required=True
    )
    audit.add_parser("verify", help="проверить цепочку журнала аудита").set_defaults(
        func=cmd_audit_verify
    )
    keys = sub.add_parser("keys", help="ключи подписи ответов").add_subparsers(
        dest="keys", required=True
    )
    generate = keys.add_parser("generate", help="создать пару ключей")
    generate.add_argument("--algorithm", choices=["ed25519", "gost2012-256"], default="ed25519")
    generate.add_argument("--out", default="", help="папка для ключа")
    generate.set_defaults(func=cmd_keys_generate)

    search = sub.add_parser("search", help="поисковый индекс").add_subparsers(
        dest="search", required=True
    )
    rebuild = search.add_parser("rebuild", help="перестроить индекс обращений")
    rebuild.add_argument("--clear", action="store_true", help="сначала очистить индекс")
    rebuild.set_defaults(func=cmd_search_rebuild)
    analytics = sub.add_parser("analytics", help="сводки аналитики").add_subparsers(
        dest="analytics", required=True
    )
    analytics.add_parser("rebuild", help="пересчитать сводки по таблице обращений").set_defaults(
        func=cmd_analytics_rebuild
    )
    suggest = sub.add_parser("suggest", help="подсказка темы обращения").add_subparsers(
        dest="suggest", required=True
    )
    train = suggest.add_parser("train", help="обучить модель и показать точность")
    train.add_argument("--holdout", type=float, default=0.2, help="доля для проверки (0.2)")
    train.add_argument("--seed", type=int, default=1)
    train.add_argument("--results", help="записать метрики в JSON-файл")
    train.set_defaults(func=cmd_suggest_train)

    if (suite := _bench_suite()) is not None:
        suite.add_parser(sub)
    else:
        missing = sub.add_parser("bench", help="замеры производительности (только из клона)")
        missing.add_argument("rest", nargs=argparse.REMAINDER)
        missing.set_defaults(func=cmd_bench_missing)

    # Issue 13 — hotline calls: a simulated call through the CTI webhook (hotline/simulator.py).
    hotline = sub.add_parser("hotline", help="горячая линия").add_subparsers(
        dest="hotline", required=True
    )
    simulate = hotline.add_parser("simulate-call", help="звонок через симулятор телефонии")
    simulate.add_argument("--url", default="", help="адрес сервиса (PRIEMNAYA_SITE_URL)")
    simulate.add_argument("--line", default="+78005553535", help="набранный номер линии")
    simulate.add_argument("--caller", default="+79161234567", help="номер звонящего")
    simulate.add_argument("--agent", default="operator@demo.priemnaya.ru", help="оператор")
    simulate.add_argument("--duration", type=int, default=0, help="завершить через N секунд")
    simulate.add_argument("--missed", action="store_true", help="никто не ответил")
    simulate.set_defaults(func=cmd_hotline_simulate)

    manage = sub.add_parser("manage", help="команды Django (manage.py)")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
