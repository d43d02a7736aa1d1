"""The peer for the side-by-side benchmark: django-helpdesk 2.6.1 in its own virtual environment.

Everything lives under ``workdir`` (never committed): ``venv/`` (django-helpdesk==2.6.1,
djangorestframework, gunicorn), ``site/`` (a minimal Django project this module writes:
``peersite/settings.py``, ``urls.py``, ``wsgi.py``, ``seed.py``, ``db.sqlite3``),
``state.json`` (token, session, ids, installed versions) and ``gunicorn.log``.

The deployment mirrors the one the issue measured: gunicorn with 2 sync workers, SQLite with the
same options Priemnaya uses on SQLite (WAL, ``synchronous=NORMAL``, ``transaction_mode=IMMEDIATE``,
20 s busy timeout), ``DEBUG=False``, DRF token authentication, e-mail to the dummy backend (neither
side sends mail inside the request: Priemnaya queues it, the peer would call SMTP).

What each request spec maps to in helpdesk, and why:

- ``create`` -> ``POST /api/tickets/`` (``helpdesk.views.api.TicketViewSet.create``), JSON body,
  ``Authorization: Token …``: the API a client uses to file a ticket. It validates through
  ``TicketForm`` and saves the ticket plus its "ticket opened" follow-up, as the staff form does.
  There is no idempotency key in helpdesk, so ``unique_header`` is None; the body is the same on
  every request (helpdesk does not deduplicate, each POST creates a ticket — 201).
- ``list`` -> ``GET /api/tickets/``: the API's ticket list. It IS paginated
  (``ConservativePagination``, 25 per page) and the spec asks for the first page, which is what a
  client gets by default. Note: ``TicketViewSet.get_queryset`` iterates over every accessible
  ticket to call ``set_custom_field_values()`` (one query per ticket) before the paginator slices,
  so the first page still costs O(tickets): seconds per request at 100k (the issue saw 22 s).
- ``detail`` -> ``GET /api/tickets/<id>/``: one ticket (a seeded one in the middle of the id
  range). ``get_object`` goes through the same ``get_queryset``, so it is O(tickets) too.
- ``search`` -> ``GET /datatables_ticket_list/<base64 query>?draw=1&start=0&length=25&…``: the
  staff keyword search. The staff list page ``/tickets/?q=…`` only renders an HTML shell with the
  query encoded in base64; the browser then fetches this endpoint, which runs the search (an
  ``icontains`` OR over title, description, e-mail, resolution, … with DISTINCT and a last-follow-up
  subquery) and returns the first 25 rows as JSON. The base64 query is built exactly as
  ``ticket_list`` builds it for ``?q=лифт`` (``SEARCH_WORD``: about 5% of the seeded tickets
  match; the cost grows with the matches — at 100k "отопления", matching 47%, took 2-3× longer).
  The view is wrapped in ``helpdesk_staff_member_required``, which looks at the Django session,
  not at DRF's token, so the spec carries a ``sessionid`` cookie: ``prepare()`` stores a login
  session for the staff user and ``serve()`` replaces it by logging in through helpdesk's login
  form (``/login/``).

The seeded data: ``tickets`` tickets with Russian titles and descriptions drawn from a seeded RNG,
spread over three queues, five years of ``created`` dates, statuses (open/reopened/resolved/closed)
and priorities; every ticket has its "ticket opened" follow-up and resolved/closed ones a
resolution follow-up, as helpdesk itself would have written. Ids 1..tickets are the seeded ones;
``prepare()`` deletes tickets the benchmark created (id > tickets) and reseeds from scratch only
when the seeded count or seed differ.

Self-check: ``python -m bench.suite.peer --check --workdir /tmp/peercheck --tickets 500``.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.cookiejar
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HELPDESK_VERSION = "2.6.1"
PACKAGES = [f"django-helpdesk=={HELPDESK_VERSION}", "djangorestframework", "gunicorn"]
WORKERS = 2
USERNAME = "peeradmin"
PASSWORD = "peer-bench-password"  # noqa: S105 - a throwaway account in a throwaway database
# A keyword from one of the twenty subjects: about 5% of tickets match, as a staff search for a
# topic would. Lower case: SQLite matches non-ASCII letters case-sensitively.
SEARCH_WORD = "лифт"
# A worker serving the O(tickets) list/detail at 100k must not be killed mid-request by the
# default 30 s heartbeat timeout when the machine is loaded.
GUNICORN_TIMEOUT = 600


@dataclass
class RequestSpec:
    name: str
    method: str
    path: str
    headers: dict[str, str]
    body: str | None = None
    unique_header: str | None = None  # header to fill with a unique value per request, or None


SETTINGS_PY = '''\
"""Settings of the benchmark's peer site (written by bench/suite/peer.py)."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "peer-bench-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "helpdesk",
]
SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "peersite.urls"
WSGI_APPLICATION = "peersite.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The same SQLite options Priemnaya runs with, so the storage is not what differs.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

LANGUAGE_CODE = "ru"
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/dashboard/"

EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@example.org"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
}

HELPDESK_API_ENABLED = True
HELPDESK_TEAMS_MODE_ENABLED = False  # pinax-teams is an optional extra, not installed

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
'''

URLS_PY = """\
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("helpdesk.urls", namespace="helpdesk")),
]
"""

WSGI_PY = """\
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersite.settings")
application = get_wsgi_application()
"""

MANAGE_PY = """\
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""

# Runs inside the peer's venv: `python seed.py <tickets> <seed> <state.json>`.
SEED_PY = r"""
import datetime
import json
import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersite.settings")
import django

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from rest_framework.authtoken.models import Token

from helpdesk.models import FollowUp, Queue, Ticket

N, SEED, STATE = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
USERNAME, PASSWORD = sys.argv[4], sys.argv[5]

QUEUES = [
    ("Жилищно-коммунальное хозяйство", "zhkh"),
    ("Благоустройство и дороги", "roads"),
    ("Социальная поддержка", "social"),
]
SUBJECTS = [
    "Нет горячей воды", "Протекает крыша", "Не работает лифт", "Отключение отопления",
    "Яма на дороге", "Не вывозят мусор", "Не горят фонари во дворе", "Шум от стройки",
    "Перерасчёт за коммунальные услуги", "Ремонт подъезда", "Запись к врачу",
    "Пособие на ребёнка", "Компенсация за капремонт", "Парковка на газоне",
    "Снос аварийного дерева", "Ремонт детской площадки", "Плесень в квартире",
    "Низкое давление воды", "Очистка крыши от снега", "Бездомные собаки во дворе",
]
PLACES = [
    "ул. Ленина", "ул. Садовая", "пр. Мира", "ул. Гагарина", "ул. Советская",
    "ул. Молодёжная", "ул. Школьная", "ул. Лесная", "ул. Набережная", "пер. Почтовый",
]
SENTENCES = [
    "Прошу принять меры как можно скорее.",
    "Обращались в управляющую компанию, ответа не получили.",
    "Проблема повторяется уже несколько недель.",
    "В доме проживают пожилые люди и маленькие дети.",
    "Прилагаю описание ситуации и прошу сообщить о сроках устранения.",
    "Жильцы неоднократно звонили в диспетчерскую службу.",
    "Прошу провести проверку и привлечь виновных к ответственности.",
    "Ситуация создаёт угрозу для жизни и здоровья граждан.",
    "С начала месяца нет отопления в квартирах верхних этажей.",
    "Счета за услуги выросли без объяснения причин.",
    "Прошу разъяснить порядок получения компенсации.",
    "Во дворе после дождя стоит вода, пройти невозможно.",
    "Подрядчик не завершил работы в установленный срок.",
    "Прошу восстановить подачу отопления и сделать перерасчёт.",
]
FIRST = ["ivanov", "petrova", "sidorov", "smirnova", "kuznetsov", "popova", "volkov", "sokolova"]
DOMAINS = ["mail.ru", "yandex.ru", "gmail.com", "rambler.ru"]

user_model = get_user_model()
user = user_model.objects.filter(username=USERNAME).first()
if user is None:
    user = user_model.objects.create_superuser(USERNAME, "admin@example.org", PASSWORD)
token, _ = Token.objects.get_or_create(user=user)
queues = []
for title, slug in QUEUES:
    queue, _ = Queue.objects.get_or_create(
        slug=slug, defaults={"title": title, "email_address": f"{slug}@example.org"}
    )
    queues.append(queue)

state = {}
if os.path.exists(STATE):
    with open(STATE, encoding="utf-8") as fh:
        state = json.load(fh)

seeded = Ticket.objects.filter(id__lte=N).count()
total = Ticket.objects.count()
reseed = state.get("seeded") != {"tickets": N, "seed": SEED} or seeded != N
took = 0.0
if reseed:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Children of helpdesk_ticket first (foreign keys are enforced), then the tickets.
        for table in (
            "helpdesk_followupattachment", "helpdesk_ticketchange", "helpdesk_followup",
            "helpdesk_checklisttask", "helpdesk_checklist", "helpdesk_ticketcc",
            "helpdesk_ticketcustomfieldvalue", "helpdesk_ticketdependency", "helpdesk_ticket",
        ):
            cursor.execute(f'DELETE FROM "{table}"')
        cursor.execute(
            "DELETE FROM sqlite_sequence WHERE name IN ('helpdesk_ticket', 'helpdesk_followup')"
        )
    rng = random.Random(SEED)
    # A fixed anchor, so the same seed gives the same rows whatever day it runs.
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    span = 5 * 365 * 86400
    # Seeding writes created/modified itself: auto_now(_add) would stamp them all "now".
    for name in ("created", "modified"):
        field = Ticket._meta.get_field(name)
        field.auto_now = field.auto_now_add = False
    statuses = [1] * 30 + [2] * 5 + [3] * 25 + [4] * 40
    tickets, followups = [], []
    fid = 0
    for i in range(1, N + 1):
        created = now - datetime.timedelta(seconds=rng.randrange(span))
        status = rng.choice(statuses)
        subject = rng.choice(SUBJECTS)
        place = rng.choice(PLACES)
        house = rng.randint(1, 120)
        description = f"{subject}, {place}, д. {house}. " + " ".join(
            rng.sample(SENTENCES, rng.randint(2, 5))
        )
        closed = status in (3, 4)
        resolution = "Работы выполнены, проблема устранена." if closed else ""
        modified = created
        if closed:
            modified += datetime.timedelta(hours=rng.randint(1, 24 * 30))
        tickets.append(
            Ticket(
                id=i,
                title=f"{subject} ({place}, д. {house})",
                queue=queues[rng.randrange(len(queues))],
                created=created,
                modified=modified,
                submitter_email=f"{rng.choice(FIRST)}{rng.randint(1, 9999)}@{rng.choice(DOMAINS)}",
                status=status,
                description=description,
                resolution=resolution,
                priority=rng.choice([1, 2, 3, 3, 3, 4, 5]),
                due_date=created + datetime.timedelta(days=30),
                secret_key=f"{rng.getrandbits(128):032x}",
            )
        )
        fid += 1
        followups.append(
            FollowUp(id=fid, ticket_id=i, date=created, title="Заявка открыта", comment=description,
                     public=True, new_status=None)
        )
        if closed:
            fid += 1
            followups.append(
                FollowUp(id=fid, ticket_id=i, date=modified, title="Заявка решена",
                         comment=resolution, public=True, user_id=user.id, new_status=status)
            )
    with transaction.atomic():
        Ticket.objects.bulk_create(tickets, batch_size=2000)
        FollowUp.objects.bulk_create(followups, batch_size=2000)
    took = time.perf_counter() - started
    state["seeded"] = {"tickets": N, "seed": SEED}
else:
    # Tickets the benchmark created through the API in an earlier run.
    Ticket.objects.filter(id__gt=N).delete()

session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()

with connection.cursor() as cursor:
    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cursor.execute("ANALYZE")

state.update(
    token=token.key,
    session=session.session_key,
    queue=queues[0].id,
    detail_id=N // 2 + 1 if N else None,
    tickets=Ticket.objects.count(),
    seed_seconds=round(took, 2),
    reseeded=reseed,
)
with open(STATE, "w", encoding="utf-8") as fh:
    json.dump(state, fh, ensure_ascii=False, indent=1)
print(json.dumps({"reseeded": reseed, "seed_seconds": round(took, 2), "tickets": state["tickets"]}))
"""


class Peer:
    """django-helpdesk 2.6.1 in its own venv under ``workdir``."""

    def __init__(self, workdir: Path, port: int) -> None:
        self.workdir = Path(workdir).resolve()
        self.port = port
        self.venv = self.workdir / "venv"
        self.site = self.workdir / "site"
        self.state_path = self.workdir / "state.json"
        self.timings: dict[str, float] = {}

    # -- prepare ---------------------------------------------------------------------------

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def _install(self) -> None:
        marker = self.venv / ".peer-installed"
        if marker.exists() and marker.read_text() == "\n".join(PACKAGES):
            return
        started = time.perf_counter()
        uv = shutil.which("uv")
        if not self.python.exists():
            if uv:
                subprocess.run(  # noqa: S603 - fixed command, our own paths
                    [uv, "venv", "-q", "--python", sys.executable, str(self.venv)], check=True
                )
            else:
                venv = [sys.executable, "-m", "venv", str(self.venv)]
                subprocess.run(venv, check=True)  # noqa: S603 - fixed command
        if uv:
            cmd = [uv, "pip", "install", "-q", "--python", str(self.python), *PACKAGES]
        else:
            cmd = [str(self.python), "-m", "pip", "install", "-q", *PACKAGES]
        subprocess.run(cmd, check=True)  # noqa: S603 - fixed command, our own paths
        marker.write_text("\n".join(PACKAGES))
        self.timings["install_s"] = round(time.perf_counter() - started, 2)

    def _write_site(self) -> None:
        package = self.site / "peersite"
        package.mkdir(parents=True, exist_ok=True)
        files = {
            package / "__init__.py": "",
            package / "settings.py": SETTINGS_PY,
            package / "urls.py": URLS_PY,
            package / "wsgi.py": WSGI_PY,
            self.site / "manage.py": MANAGE_PY,
            self.site / "seed.py": SEED_PY,
        }
        for path, text in files.items():
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")

    def _run_site(self, *args: str) -> str:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "peersite.settings", "PYTHONPATH": ""}
        env.pop("VIRTUAL_ENV", None)
        done = subprocess.run(  # noqa: S603 - the peer's own interpreter and site
            [str(self.python), *args],
            cwd=self.site,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout

    def prepare(self, tickets: int, seed: int = 1) -> None:
        """Create the venv, install, write the site, migrate and seed; reuse whatever exists."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._install()
        self._write_site()
        started = time.perf_counter()
        self._run_site("manage.py", "migrate", "--noinput", "-v", "0")
        self.timings["migrate_s"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        out = self._run_site(
            "seed.py", str(tickets), str(seed), str(self.state_path), USERNAME, PASSWORD
        )
        self.timings["seed_total_s"] = round(time.perf_counter() - started, 2)
        result = json.loads(out.strip().splitlines()[-1])
        self.timings["seed_bulk_s"] = result["seed_seconds"]
        state = self._state()
        state["versions"] = self._versions()
        self.state_path.write_text(json.dumps(state, ensure_ascii=False, indent=1))

    def _versions(self) -> dict[str, str]:
        code = (
            "import importlib.metadata as m, json, sys; print(json.dumps({**{n: m.version(n) for n"
            " in ('django-helpdesk', 'django', 'djangorestframework', 'gunicorn')},"
            " 'python': sys.version.split()[0]}))"
        )
        return json.loads(self._run_site("-c", code))

    def _state(self) -> dict:
        if not self.state_path.exists():
            raise RuntimeError(f"peer is not prepared: no {self.state_path}")
        return json.loads(self.state_path.read_text(encoding="utf-8"))

    # -- serve -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def serve(self) -> Iterator[list[int]]:
        """gunicorn with 2 sync workers on 127.0.0.1:port; yields [master, worker, worker]."""
        state = self._state()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "peersite.settings", "PYTHONPATH": ""}
        env.pop("VIRTUAL_ENV", None)
        log = (self.workdir / "gunicorn.log").open("ab")
        cmd = [
            str(self.venv / "bin" / "gunicorn"),
            "peersite.wsgi:application",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            str(GUNICORN_TIMEOUT),
            "--log-level",
            "warning",
        ]
        proc = subprocess.Popen(  # noqa: S603 - the peer's own gunicorn
            cmd, cwd=self.site, env=env, stdout=log, stderr=log, start_new_session=True
        )
        try:
            pids = self._wait_ready(proc)
            state["session"] = self._login()
            self.state_path.write_text(json.dumps(state, ensure_ascii=False, indent=1))
            yield pids
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
            log.close()

    def _base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _wait_ready(self, proc: subprocess.Popen[bytes], timeout: float = 120.0) -> list[int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {proc.returncode}; see gunicorn.log")
            workers = _children(proc.pid)
            if len(workers) >= WORKERS:
                try:
                    with _open(self._base() + "/login/", timeout=5) as resp:
                        if resp.status == 200:
                            # Both workers must have booted (sync workers import Django lazily
                            # enough that one answering says little about the other).
                            for _ in range(WORKERS):
                                _open(self._base() + "/login/", timeout=5).read()
                            return [proc.pid, *workers]
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not become ready in time; see gunicorn.log")

    def _login(self) -> str:
        """Log in through helpdesk's login form; returns the session key."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(self._base() + "/login/", timeout=30).read()
        csrf = next(c.value for c in jar if c.name == "csrftoken")
        form = urllib.parse.urlencode(
            {
                "username": USERNAME,
                "password": PASSWORD,
                "csrfmiddlewaretoken": csrf,
                "next": "/tickets/",
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 built here
            self._base() + "/login/",
            data=form,
            headers={"Referer": self._base() + "/login/"},
        )
        opener.open(request, timeout=60).read()
        session = next((c.value for c in jar if c.name == "sessionid"), None)
        if not session:
            raise RuntimeError("login through /login/ gave no session cookie")
        return session

    # -- requests --------------------------------------------------------------------------

    def requests(self) -> dict[str, RequestSpec]:
        state = self._state()
        token = {"Authorization": f"Token {state['token']}", "Accept": "application/json"}
        body = json.dumps(
            {
                "queue": state["queue"],
                "title": "Не работает уличное освещение (ул. Ленина, д. 12)",
                "description": (
                    "Во дворе дома по ул. Ленина, д. 12 третью неделю не горят фонари. "
                    "Вечером пройти к подъезду опасно, обращения в управляющую компанию "
                    "результата не дали. Прошу восстановить освещение."
                ),
                "submitter_email": "ivanov.petr@example.org",
                "priority": 3,
            },
            ensure_ascii=False,
        )
        # Exactly what ticket_list() encodes for /tickets/?q=<word> before the page's
        # datatable asks datatables_ticket_list for its first page.
        query = {
            "filtering": {},
            "filtering_null": {},
            "sorting": "created",
            "sortreverse": None,
            "search_string": SEARCH_WORD,
        }
        b64 = base64.b64encode(json.dumps(query).encode("utf-8")).decode("ascii")
        datatables = urllib.parse.urlencode(
            {"draw": 1, "start": 0, "length": 25, "order[0][column]": 5, "order[0][dir]": "asc"}
        )
        return {
            "create": RequestSpec(
                name="create",
                method="POST",
                path="/api/tickets/",
                headers={**token, "Content-Type": "application/json; charset=utf-8"},
                body=body,
            ),
            "list": RequestSpec(name="list", method="GET", path="/api/tickets/", headers=token),
            "detail": RequestSpec(
                name="detail",
                method="GET",
                path=f"/api/tickets/{state['detail_id']}/",
                headers=token,
            ),
            "search": RequestSpec(
                name="search",
                method="GET",
                path=f"/datatables_ticket_list/{b64}?{datatables}",
                headers={
                    "Cookie": f"sessionid={state['session']}",
                    "Accept": "application/json",
                    "X-Requested-With": "XMLHttpRequest",
                },
            ),
        }


def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` (gunicorn's workers), read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may contain spaces and parentheses; fields follow the last ')'.
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def _open(request: str | urllib.request.Request, timeout: float) -> Any:
    # Only ever http://127.0.0.1:<port> URLs this module builds itself.
    return urllib.request.urlopen(request, timeout=timeout)  # noqa: S310


def _fire(base: str, spec: RequestSpec) -> tuple[int, float, bytes]:
    request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 built here
        base + spec.path,
        data=spec.body.encode("utf-8") if spec.body is not None else None,
        headers=spec.headers,
        method=spec.method,
    )
    started = time.perf_counter()
    try:
        with _open(request, timeout=600) as resp:
            payload = resp.read()
            status = resp.status
    except urllib.error.HTTPError as error:
        payload, status = error.read(), error.code
    return status, time.perf_counter() - started, payload


def _check(workdir: Path, port: int, tickets: int, repeat: int) -> int:
    peer = Peer(workdir, port)
    started = time.perf_counter()
    peer.prepare(tickets=tickets)
    print(f"prepare({tickets}): {time.perf_counter() - started:.1f} s {peer.timings}")
    state = json.loads(peer.state_path.read_text())
    print(f"versions: {state['versions']}")
    failures = 0
    with peer.serve() as pids:
        print(f"serving on :{port}, pids {pids}")
        base = peer._base()
        specs = peer.requests()
        before = json.loads(_fire(base, specs["list"])[2])["count"]
        for name, spec in specs.items():
            times = []
            for _ in range(repeat):
                status, took, payload = _fire(base, spec)
                times.append(took)
                if not 200 <= status < 300:
                    failures += 1
                    print(f"  {name}: HTTP {status} {payload[:300]!r}")
                    break
            data = json.loads(payload) if payload else {}
            times.sort()
            summary = {
                "create": lambda d: f"id {d.get('id')}",
                "list": lambda d: f"count {d.get('count')}, page {len(d.get('results', []))}",
                "detail": lambda d: f"id {d.get('id')}, followups {len(d.get('followup_set', []))}",
                "search": lambda d: f"filtered {d.get('recordsFiltered')}, rows {len(d['data'])}",
            }[name](data)
            print(
                f"  {name:7s} {spec.method} {spec.path[:60]} -> {status}; "
                f"min {times[0] * 1000:.1f} ms, median {times[len(times) // 2] * 1000:.1f} ms "
                f"over {len(times)}; {summary}"
            )
        after = json.loads(_fire(base, specs["list"])[2])["count"]
        if after - before != repeat:
            failures += 1
        print(f"create added {after - before} tickets (expected {repeat})")
    alive = [pid for pid in pids if Path(f"/proc/{pid}").exists()]
    if alive:
        failures += 1
    print(f"after serve(): processes still alive: {alive or 'none'}")
    print("OK" if not failures else f"FAILED ({failures})")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="django-helpdesk peer for the benchmark")
    parser.add_argument("--check", action="store_true", help="prepare, serve and fire each spec")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/peercheck"))  # noqa: S108
    parser.add_argument("--port", type=int, default=8650)
    parser.add_argument("--tickets", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    if not args.check:
        parser.print_help()
        return 2
    return _check(args.workdir, args.port, args.tickets, args.repeat)


if __name__ == "__main__":
    sys.exit(main())
