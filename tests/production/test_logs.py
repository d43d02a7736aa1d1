"""The request id (X-Request-ID) and JSON log lines that carry it."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys

import pytest

from priemnaya.core.logs import JsonFormatter


@pytest.fixture
def json_lines():
    """What django.request writes during the test, through the JSON formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)


@pytest.mark.django_db
def test_a_valid_id_comes_back(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.21_x")
    assert response["X-Request-ID"] == "lb-7f3a.21_x"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "given", ["", "a" * 65, "id with spaces", "evil\\ninjected", "ид-кириллицей", "x;y"]
)
def test_an_invalid_id_is_replaced(client, given):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=given)
    made = response["X-Request-ID"]
    assert made != given
    assert len(made) == 32
    assert made.isalnum()


@pytest.mark.django_db
def test_each_request_without_an_id_gets_its_own(client):
    assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]


@pytest.mark.django_db
def test_a_line_logged_during_the_request_carries_its_id(client, json_lines):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-42")
    assert response.status_code == 404
    lines = json_lines()
    line = next(line for line in lines if "/no-such-page/" in line["message"])
    assert line["request_id"] == "req-42"
    assert line["level"] == "WARNING"
    assert line["logger"] == "django.request"
    assert line["time"].endswith("+00:00")
    # Outside a request there is no id.
    logging.getLogger("django.request").warning("after")
    assert json_lines()[-1]["request_id"] is None


def test_the_exception_goes_into_the_line():
    try:
        raise ValueError("сломалось")
    except ValueError:
        record = logging.LogRecord("priemnaya.x", logging.ERROR, __file__, 1, "ой", None, None)
        record.exc_info = sys.exc_info()
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "ой"
    assert "ValueError: сломалось" in line["exc_info"]
    assert "\n" not in JsonFormatter().format(record)


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_the_setting_picks_the_format(tmp_path, fmt):
    code = (
        "import django, logging; django.setup(); logging.getLogger('priemnaya.t').warning('привет')"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "priemnaya.settings",
        "SECRET_KEY": "x" * 50,
        "PRIEMNAYA_VAR_DIR": str(tmp_path),
        "PRIEMNAYA_LOG_FORMAT": fmt,
    }
    env.pop("DATABASE_URL", None)
    out = subprocess.run(  # noqa: S603 - this interpreter, a fixed argument list
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    if fmt == "json":
        line = json.loads(out.stderr.strip().splitlines()[-1])
        assert line["message"] == "привет"
        assert line["logger"] == "priemnaya.t"
    else:
        assert out.stderr.strip().splitlines()[-1] == "привет"
