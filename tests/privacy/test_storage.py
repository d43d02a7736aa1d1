"""Where personal data are stored (LEGAL.md §6 rule 28): pd-check, the system check, the page."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from priemnaya.cli import build_parser
from priemnaya.privacy.checks import pd_location_check
from priemnaya.privacy.storage import pd_stores, pd_violations
from tests import factories


def _run() -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("pd_check", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


# The stores are read from settings only; no connection is opened to the overridden databases.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


def test_embedded_setup_is_all_in_russia(settings):
    settings.DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "/x.db"}}
    code, out, _ = _run()
    assert code == 0
    assert "RU (этот сервер)" in out
    assert {s.key for s in pd_stores()} >= {"database", "media", "email", "sms"}
    assert pd_location_check() == []


def test_remote_stores_must_be_declared(settings):
    settings.DATABASES = {
        "default": {"ENGINE": "django.db.backends.postgresql", "HOST": "db.cloud.example.com"}
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "smtp.mail.example.com"
    settings.EMAIL_HOST_PASSWORD = "secret-password"
    settings.SMS_GATEWAY_URL = "https://user:token@sms.example.com/send"
    settings.PRIEMNAYA_PD_LOCATIONS = {"database": "RU (ЦОД, Москва)"}

    code, out, err = _run()

    assert code == 1
    assert "Нарушение: 2" in err
    assert {s.key for s in pd_violations()} == {"email", "sms"}
    assert "token" not in out
    assert "secret-password" not in out
    assert "https://sms.example.com" in out
    warnings = pd_location_check()
    assert [w.id for w in warnings] == ["privacy.W001", "privacy.W001"]


def test_a_declared_foreign_location_is_a_violation(settings):
    settings.REDIS_URL = "redis://cache.example.de:6379/0"
    settings.PRIEMNAYA_BACKUP_URL = "s3://backup.example.ru/bucket"
    settings.PRIEMNAYA_PD_LOCATIONS = {"redis": "DE (Frankfurt)", "backups": "RU (Яндекс Облако)"}

    bad = pd_violations()

    assert [s.key for s in bad] == ["redis"]
    assert _run()[0] == 1


def test_s3_without_endpoint_is_amazon_and_undeclared(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    }
    assert [s.key for s in pd_violations()] == ["media"]


def test_the_cli_has_the_subcommand():
    args = build_parser().parse_args(["pd-check"])
    assert args.func.__name__ == "cmd_pd_check"


@pytest.mark.django_db
def test_the_administrators_page(settings, catalog):
    admin = factories.make_user("administrator")
    supervisor = factories.make_supervisor()
    settings.SMS_GATEWAY_URL = "https://sms.example.com/send"

    page = factories.signed_in(admin).get("/console/privacy/storage/")

    assert page.status_code == 200
    assert "sms.example.com" in page.content.decode()
    assert 'data-testid="pd-violations"' in page.content.decode()
    assert factories.signed_in(supervisor).get("/console/privacy/storage/").status_code == 403


def test_attachments_in_a_foreign_s3_are_a_violation(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "files", "endpoint_url": "https://s3.example.de"},
        },
    }
    [store] = pd_violations()
    assert store.key == "attachments"
    assert store.where == "https://s3.example.de"
    settings.PRIEMNAYA_PD_LOCATIONS = {"attachments": "RU (Яндекс Облако)"}
    assert pd_violations() == []
