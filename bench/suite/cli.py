"""`priemnaya bench generate` and `priemnaya bench run` (called from priemnaya.cli)."""

from __future__ import annotations

import argparse
import os
import secrets
import sys


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "priemnaya.settings")
    # The data generator signs nothing: a throwaway key lets it run without DEBUG.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    import django

    django.setup()


def cmd_generate(args: argparse.Namespace) -> None:
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    _django()
    from django.core.management import call_command

    from bench.suite.generate import generate

    if args.migrate:
        call_command("migrate", "--no-input", "-v", "0")
        call_command("load_catalog")
    print(f"Генерация {args.appeals} обращений (seed {args.seed})…", flush=True)
    report = generate(args.appeals, seed=args.seed)
    print(report)


def cmd_run(args: argparse.Namespace) -> None:
    from bench.suite.run import run

    sys.exit(run(args))


def add_parser(sub: argparse._SubParsersAction) -> None:
    bench = sub.add_parser("bench", help="замеры производительности (bench/)").add_subparsers(
        dest="bench", required=True
    )
    gen = bench.add_parser("generate", help="наполнить базу DATABASE_URL обращениями")
    gen.add_argument("--appeals", type=int, required=True)
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument(
        "--db",
        "--database-url",
        dest="database_url",
        default="",
        help="база (URL); по умолчанию DATABASE_URL, как у остальных команд",
    )
    gen.add_argument(
        "--migrate", action="store_true", help="сначала миграции и каталог по умолчанию"
    )
    gen.set_defaults(func=cmd_generate)
    run = bench.add_parser("run", help="полный замер: база, данные, сервер, сценарии, отчёт")
    run.add_argument(
        "--scale",
        type=int,
        default=0,
        help="обращений (по умолчанию 1 000 000 на PostgreSQL, 100 000 на SQLite, 300 при --smoke)",
    )
    run.add_argument(
        "--db",
        choices=["postgres", "sqlite"],
        default="",
        help="по умолчанию postgres (smoke: sqlite)",
    )
    run.add_argument("--database-url", default="", help="сервер PostgreSQL (без имени базы)")
    run.add_argument("--seed", type=int, default=1)
    run.add_argument("--smoke", action="store_true", help="крошечный прогон каждого сценария")
    run.add_argument("--no-peer", action="store_true", help="без django-helpdesk рядом")
    run.add_argument("--peer-tickets", type=int, default=100_000)
    run.add_argument("--duration", type=float, default=0, help="секунд на сценарий")
    run.add_argument("--port", type=int, default=8600)
    run.add_argument(
        "--out",
        default="",
        help="папка для JSON и таблицы (по умолчанию bench/results, при --smoke — рабочая папка)",
    )
    run.add_argument("--workdir", default="", help="рабочая папка (по умолчанию var/bench)")
    run.add_argument("--keep", action="store_true", help="не удалять базу замера")
    run.add_argument("--no-docs", action="store_true", help="не обновлять docs/performance.md")
    run.set_defaults(func=cmd_run)
