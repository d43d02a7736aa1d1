"""``priemnaya keys generate``: a new signing key pair in PRIEMNAYA_SIGNING_KEYS_DIR."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from priemnaya.answers.signing import ALGORITHMS, ED25519, key_generate


class Command(BaseCommand):
    help = "Создать пару ключей подписи ответов (Ed25519 или ГОСТ Р 34.10-2012)"

    def add_arguments(self, parser):
        parser.add_argument("--algorithm", choices=ALGORITHMS, default=ED25519)
        parser.add_argument("--out", default="", help="папка (по умолчанию ключи Приёмной)")

    def handle(self, *args, algorithm: str, out: str, **options):
        key = key_generate(algorithm)
        folder = Path(out or settings.PRIEMNAYA_SIGNING_KEYS_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{key.key_id}.json"
        # The private part: readable by the service's user only.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(key.as_json())
        self.stdout.write(f"Ключ {key.key_id} ({key.algorithm}) записан в {path}")
        self.stdout.write(f"Открытый ключ: {key.public.hex()}")
