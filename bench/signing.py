"""Signing and verifying answers: Ed25519 and GOST R 34.10-2012 (256) rates, and PDF rendering.

    uv run python bench/signing.py [--seconds 3]

Renders a typical answer with the house PDF (``answers.pdf.HousePdf``: header, the appeal's data,
an answer of a few paragraphs, executor), then for each algorithm signs and verifies that PDF and
a 1 KB message, each for about ``--seconds`` (at least 5 operations), with a key made by
``answers.signing.key_generate``. No database is needed. Writes bench/results/signing.json and
prints it; docs/signatures.md «Скорость» quotes the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PARAGRAPH = (
    "По вашему обращению о невозможности войти в личный кабинет проведена проверка. "
    "Установлено, что учётная запись была временно заблокирована после нескольких неудачных "
    "попыток входа. Блокировка снята, пароль сброшен; ссылка для установки нового пароля "
    "направлена на адрес электронной почты, указанный в обращении. "
)


def answer_pdf() -> bytes:
    """A typical answer as the renditions make it: a page or two of Cyrillic text."""
    from priemnaya.answers.pdf import HousePdf

    pdf = HousePdf(
        title="Ответ на обращение № 26-000123",
        subject="Ответ на обращение",
        keywords="code:7F3K-92QD-M4XA",
    )
    pdf.heading("Ответ на обращение № 26-000123")
    for label, value in [
        ("Заявитель", "Иванова Мария Петровна"),
        ("Дата регистрации", "12.03.2026"),
        ("Тема", "Не удаётся войти в личный кабинет"),
        ("Результат", "Выполнено (код 1)"),
        ("Способ направления", "в личный кабинет / на e-mail"),
    ]:
        pdf.field(label, value)
    pdf.heading("Текст ответа", size=12)
    for _ in range(6):
        pdf.paragraph(PARAGRAPH * 2)
    pdf.field("Исполнитель", "Петров Иван Сергеевич, ведущий специалист, тел. +7 495 123-45-67")
    pdf.field("Дата ответа", "20.03.2026")
    pdf.field("Код проверки", "7F3K-92QD-M4XA")
    return pdf.render(created_at=datetime(2026, 3, 20, tzinfo=UTC))


def rate(operation: Callable[[], object], seconds: float) -> dict[str, float]:
    """Run ``operation`` for about ``seconds`` (at least 5 times): operations/s and ms each."""
    operation()  # warm up (imports, curve tables)
    count, started = 0, time.perf_counter()
    while True:
        operation()
        count += 1
        elapsed = time.perf_counter() - started
        if elapsed >= seconds and count >= 5:
            break
    return {
        "operations": count,
        "per_second": round(count / elapsed, 1),
        "ms_each": round(1000 * elapsed / count, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "priemnaya.settings_test")
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    import django

    django.setup()
    from priemnaya.answers.signing import ALGORITHMS, key_generate, sign, streebog256, verify

    pdf = answer_pdf()
    kilobyte = bytes(range(256)) * 4
    report: dict[str, object] = {
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "seconds_per_measure": args.seconds,
        # Others' work on the machine slows every number: the 1-minute load when it started.
        "load_average_1min": round(os.getloadavg()[0], 2),
        "pdf_bytes": len(pdf),
        "pdf_render": rate(answer_pdf, args.seconds),
        # GOST signs a Streebog-256 digest; gostcrypto's is pure Python: most of GOST's time.
        "streebog256_pdf": rate(lambda: streebog256(pdf), args.seconds),
    }
    for algorithm in ALGORITHMS:
        key = key_generate(algorithm)
        public = [key]
        results: dict[str, object] = {"key_id": key.key_id}
        for name, data in (("pdf", pdf), ("1kb", kilobyte)):
            signature = sign(data, key)
            if not verify(data, signature, public):
                raise SystemExit(f"{algorithm}: a fresh signature does not verify")
            results[f"sign_{name}"] = rate(lambda d=data, k=key: sign(d, k), args.seconds)
            results[f"verify_{name}"] = rate(
                lambda d=data, s=signature, p=public: verify(d, s, p), args.seconds
            )
        report[algorithm] = results
    out = ROOT / "bench" / "results" / "signing.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
