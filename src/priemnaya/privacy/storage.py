"""Where personal data are stored, and whether each place is declared to be in Russia.

152-FZ art. 18 p.5 (LEGAL.md §6 rule 28): personal data of Russian citizens are recorded and
kept in databases located in the Russian Federation. This module lists every store the
configuration sends personal data to — the database, media files, the mail server, the SMS
gateway, Redis, backups — with the location declared for it in ``PRIEMNAYA_PD_LOCATIONS``. A store
on this very server (an embedded database, local files, a service on localhost) is «RU (этот
сервер)» unless declared otherwise; a remote one must be declared, and anything not declared
«RU…» is a violation. Addresses are shown without credentials.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

LOCAL_DEFAULT = "RU (этот сервер)"
UNDECLARED = "не указано"
_LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1", "[::1]"})


@dataclass(frozen=True)
class Store:
    """One place personal data go to."""

    key: str
    name: str
    holds: str
    where: str
    local: bool
    location: str

    @property
    def in_russia(self) -> bool:
        return self.location.strip().upper().startswith("RU")


def _is_local(host: str | None) -> bool:
    host = (host or "").strip().lower()
    return host in _LOCAL_HOSTS or host.startswith("/")


def _address(url: str) -> tuple[str, str]:
    """Return (host, the URL without credentials, path or query) of a URL."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    shown = f"{parts.scheme}://{host}{port}" if parts.scheme else url
    return host, shown


def _declared(key: str, local: bool) -> str:
    locations: dict[str, str] = getattr(settings, "PRIEMNAYA_PD_LOCATIONS", {}) or {}
    declared = (locations.get(key) or "").strip()
    if declared:
        return declared
    return LOCAL_DEFAULT if local else UNDECLARED


def _store(key: str, name: str, holds: str, where: str, local: bool) -> Store:
    return Store(key, name, holds, where, local, _declared(key, local))


def _databases() -> list[Store]:
    stores = []
    for alias, db in settings.DATABASES.items():
        key = "database" if alias == "default" else f"database:{alias}"
        engine = db.get("ENGINE", "")
        if engine.endswith("sqlite3"):
            where, local = f"SQLite, файл {db.get('NAME')}", True
        else:
            host = str(db.get("HOST") or "")
            port = f":{db['PORT']}" if db.get("PORT") else ""
            where = f"{engine.rsplit('.', 1)[-1]} на {host or 'localhost'}{port}"
            local = _is_local(host)
        stores.append(
            _store(key, "База данных", "учётные записи, обращения, журнал, ответы", where, local)
        )
    return stores


def _files(alias: str, key: str, name: str, holds: str) -> Store:
    storage: dict[str, Any] = settings.STORAGES.get(alias, {})
    backend = str(storage.get("BACKEND", ""))
    options: dict[str, Any] = storage.get("OPTIONS", {}) or {}
    if backend.endswith("FileSystemStorage"):
        root = options.get("location") or settings.MEDIA_ROOT
        return _store(key, name, holds, f"каталог {root}", True)
    if "s3" in backend.lower() or "boto" in backend.lower():
        endpoint = options.get("endpoint_url") or getattr(settings, "AWS_S3_ENDPOINT_URL", "")
        if endpoint:
            host, shown = _address(str(endpoint))
            return _store(key, f"{name} (S3)", holds, shown, _is_local(host))
        return _store(key, f"{name} (S3)", holds, "Amazon S3 (amazonaws.com)", False)
    return _store(key, name, holds, backend, False)


def _media() -> Store:
    return _files("default", "media", "Файлы", "загруженные файлы, кроме вложений обращений")


def _attachments() -> list[Store]:
    """The files of appeals and answers (issue 10), when they have a store of their own."""
    if "attachments" not in settings.STORAGES:
        return []
    return [_files("attachments", "attachments", "Вложения", "файлы обращений и ответов")]


def _email() -> Store:
    backend = str(settings.EMAIL_BACKEND)
    holds = "письма: уведомления, коды, ответы (адреса и тексты)"
    if backend.endswith("smtp.EmailBackend"):
        host = str(getattr(settings, "EMAIL_HOST", "") or "")
        where = f"SMTP {host or 'localhost'}:{getattr(settings, 'EMAIL_PORT', 25)}"
        return _store("email", "Почтовый сервер", holds, where, _is_local(host))
    return _store("email", "Почта (без отправки)", holds, backend.rsplit(".", 1)[-1], True)


def _sms() -> Store:
    url = str(getattr(settings, "SMS_GATEWAY_URL", "") or "")
    holds = "SMS: номера телефонов и тексты"
    if not url:
        return _store("sms", "SMS (демо-исходящие)", holds, "файлы на этом сервере", True)
    host, shown = _address(url)
    return _store("sms", "SMS-шлюз", holds, shown, _is_local(host))


def _redis_urls() -> list[str]:
    urls: list[str] = []
    own = getattr(settings, "REDIS_URL", "") or ""
    if own:
        urls.append(str(own))
    for layer in getattr(settings, "CHANNEL_LAYERS", {}).values():
        for host in (layer.get("CONFIG") or {}).get("hosts", []):
            if isinstance(host, str):
                urls.append(host)
    for cache in getattr(settings, "CACHES", {}).values():
        if "redis" in str(cache.get("BACKEND", "")).lower():
            location = cache.get("LOCATION", "")
            urls.extend([location] if isinstance(location, str) else list(location))
    return list(dict.fromkeys(u for u in urls if u))


def _redis() -> list[Store]:
    stores = []
    for url in _redis_urls():
        host, shown = _address(url)
        stores.append(
            _store(
                "redis",
                "Redis",
                "сообщения чата в пути, кэш, счётчики попыток входа",
                shown,
                _is_local(host),
            )
        )
    return stores


def _backups() -> list[Store]:
    url = str(getattr(settings, "PRIEMNAYA_BACKUP_URL", "") or "")
    if not url:
        return []
    holds = "резервные копии базы данных и файлов"
    if url.startswith("/") or url.startswith("file:"):
        return [_store("backups", "Резервные копии", holds, url, True)]
    host, shown = _address(url)
    return [_store("backups", "Резервные копии", holds, shown, _is_local(host))]


def pd_stores() -> list[Store]:
    """Return every configured store of personal data with its declared location."""
    return [*_databases(), _media(), *_attachments(), _email(), _sms(), *_redis(), *_backups()]


def pd_violations(stores: list[Store] | None = None) -> list[Store]:
    """Return the stores not declared to be in Russia."""
    return [s for s in (pd_stores() if stores is None else stores) if not s.in_russia]
