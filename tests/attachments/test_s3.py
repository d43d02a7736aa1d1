"""Attachments in an S3-compatible store: moto's server on 127.0.0.1, spoken to over HTTP."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings

from priemnaya.attachments import services
from priemnaya.attachments.models import Purpose
from priemnaya.attachments.services import attachment_open, attachments_bind, attachments_stage
from tests.attachments import samples
from tests.attachments.samples import upload

BUCKET = "priemnaya-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    import boto3

    boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    ).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def s3_storage(s3_endpoint):
    storages = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "location": "attachments",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    with override_settings(STORAGES=storages):
        yield services.storage()


def test_files_round_trip_through_s3(citizen, registered, s3_storage):
    from storages.backends.s3 import S3Storage

    assert isinstance(s3_storage, S3Storage)
    data = samples.pdf("Справка из банка")
    [a] = attachments_stage(
        uploads=[upload("Справка.pdf", data)], uploaded_by=citizen, purpose=Purpose.APPEAL
    )
    attachments_bind(ids=[a.pk], actor=citizen, appeal_id=registered.pk)
    assert s3_storage.exists(a.key)
    with attachment_open(a) as stored:
        content = stored.read()
    assert hashlib.sha256(content).hexdigest() == a.sha256
    assert content == data
    # the object sits under the prefix, named by the random key, not by the person's file name
    keys = [
        o.key for o in s3_storage.bucket.objects.filter(Prefix="attachments/") if a.key in o.key
    ]
    assert keys == [f"attachments/{a.key}"]


def test_downloads_stream_from_s3(citizen, registered, s3_storage):
    from tests.factories import api_token

    data = samples.png()
    [a] = attachments_stage(
        uploads=[upload("фото.png", data)], uploaded_by=citizen, purpose=Purpose.APPEAL
    )
    attachments_bind(ids=[a.pk], actor=citizen, appeal_id=registered.pk)
    from django.test import Client

    client = Client()
    token = api_token(citizen, client=client)
    response = client.get(
        f"/api/v1/appeals/{registered.number}/attachments/{a.pk}",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data


def test_discard_and_sweep_remove_the_object(
    citizen, s3_storage, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from priemnaya.attachments.models import Attachment
    from priemnaya.attachments.services import attachment_discard, staged_sweep
    from priemnaya.core import clock

    [a, b] = attachments_stage(
        uploads=[upload("a.png", samples.png()), upload("b.png", samples.png())],
        uploaded_by=citizen,
        purpose=Purpose.APPEAL,
    )
    with django_capture_on_commit_callbacks(execute=True):
        attachment_discard(attachment_id=a.pk, actor=citizen)
    assert not s3_storage.exists(a.key)
    Attachment.objects.filter(pk=b.pk).update(uploaded_at=clock.now() - timedelta(days=2))
    assert staged_sweep(timedelta(days=1)) == 1
    assert not s3_storage.exists(b.key)


def test_the_settings_switch_to_s3_when_a_bucket_is_named():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "priemnaya.settings_test",
        "PRIEMNAYA_S3_BUCKET": "appeals-files",
        "PRIEMNAYA_S3_ENDPOINT_URL": "https://s3.example.ru",
        "PRIEMNAYA_S3_REGION": "ru-central1",
        "AWS_ACCESS_KEY_ID": "key-id",
        "AWS_SECRET_ACCESS_KEY": "secret",
    }
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps(settings.STORAGES['attachments']))"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    config = json.loads(out.strip().splitlines()[-1])
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    options = config["OPTIONS"]
    assert options["bucket_name"] == "appeals-files"
    assert options["endpoint_url"] == "https://s3.example.ru"
    assert options["region_name"] == "ru-central1"
    assert options["access_key"] == "key-id"
    assert options["default_acl"] is None
