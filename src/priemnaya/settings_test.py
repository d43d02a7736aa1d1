"""Settings for the test suite: the production settings with test-only secrets and fast hashing."""

import os
import sys
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

from priemnaya.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Tests keep e-mail in memory unless a test's processes are pointed at a real SMTP server.
if not os.environ.get("EMAIL_URL"):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# A consumer of the journal outbox that records what it is handed (tests/outbox_probe). gostcrypto
# installs a top-level package named «tests» into site-packages; the repository's own must win
# wherever these settings load (pytest puts the root first itself; mypy's Django plugin does not).
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path[:1]:
    sys.path.insert(0, _ROOT)
INSTALLED_APPS = [*INSTALLED_APPS, "tests.outbox_probe"]  # noqa: F405
# Tests run their own push service on 127.0.0.1 (plain HTTP).
PRIEMNAYA_PUSH_LOCAL = True
# Most tests sign staff in with force_login; the second-factor tests turn this on themselves.
PRIEMNAYA_STAFF_SECOND_FACTOR = False
# Issue 9 — signin: each test process counts in its own memory (tests/security/conftest.py empties
# it between tests); limits high enough for tests that post many times, lowered by the rate tests.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "django_ratelimit.E003"]  # noqa: F405
PRIEMNAYA_RATE_LIMITS = dict.fromkeys(PRIEMNAYA_RATE_LIMITS, "100000/h")  # noqa: F405
# Issue 10 — renditions: answers are signed with this test-only key (never a key of the machine's
# var/keys, which would make results depend on who ran the demo here); tests of the key handling
# point these settings elsewhere themselves (tests/answers/conftest.py).
PRIEMNAYA_SIGNING_KEYS_DIR = "/nonexistent/priemnaya-test-keys"
PRIEMNAYA_SIGNING_KEY = (
    '{"algorithm": "ed25519", "key_id": "dc4defc17170731b", '
    '"public": "72b60936b9859b90c562efba1672f216c38755e4e811c2dffd624a65dafe30f9", '
    '"private": "fa84fb138dd859f89a40281b97f3060d4b0634f6fded8460023c4eca73dd0984"}'
)
# Issue 10 — attachments: test files go to the system's temporary folder, not the work tree.
if STORAGES["attachments"]["BACKEND"].endswith("FileSystemStorage"):  # noqa: F405
    import tempfile

    STORAGES["attachments"]["OPTIONS"]["location"] = str(  # noqa: F405
        Path(tempfile.gettempdir())
        # One folder per xdist worker: parallel workers never share a file (tests/conftest.py).
        / f"priemnaya-test-attachments-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    )
# Issue 11 — read replicas: a «replica» alias mirroring the test database, so the selectors that
# read through core.replicas.read_db() are tested on it; replica reads stay off except in the
# tests that turn them on (tests/production/test_replicas.py), which allow the alias.
if "replica" not in DATABASES:  # noqa: F405
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
PRIEMNAYA_REPLICA_READS = False
# Issue 14 — open data: on in tests (tests/opendata turn it off where they check the 404).
PRIEMNAYA_OPEN_DATA = True
