"""Staging, binding, removing and sweeping attachments (SPEC §7, issue 10)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.test import override_settings

from priemnaya.attachments import services
from priemnaya.attachments.models import Attachment, Purpose
from priemnaya.attachments.selectors import appeal_attachments, attachment_for_appeal
from priemnaya.attachments.services import (
    UploadRefused,
    attachment_discard,
    attachment_open,
    attachments_bind,
    attachments_stage,
    content_disposition,
    staged_sweep,
)
from priemnaya.core import clock
from priemnaya.core.errors import NotFound, ValidationFailed
from tests.attachments import samples
from tests.attachments.samples import upload


def _stage(user, *files, purpose=Purpose.APPEAL, **kw):
    return attachments_stage(
        uploads=[upload(n, d) for n, d in files], uploaded_by=user, purpose=purpose, **kw
    )


def _read(a: Attachment) -> bytes:
    with attachment_open(a) as f:
        return f.read()


def test_staged_files_are_stored_under_a_random_key_with_hash_and_type(citizen):
    data = samples.png()
    [a] = _stage(citizen, ("Скан паспорта.png", data))
    assert a.name == "Скан паспорта.png"
    assert a.content_type == "image/png"
    assert a.size == len(data)
    assert a.sha256 == hashlib.sha256(data).hexdigest()
    assert a.appeal_id is None
    assert a.uploaded_by == citizen
    assert "Скан" not in a.key
    assert len(a.key) >= 32
    assert _read(a) == data


def test_the_type_comes_from_the_content_not_the_name(citizen):
    [a] = _stage(citizen, ("документ.pdf", samples.jpeg()))
    assert a.content_type == "image/jpeg"
    assert a.name == "документ.jpg"


def test_a_batch_is_all_or_nothing_and_every_refusal_is_named(citizen):
    before = Attachment.objects.count()
    with pytest.raises(UploadRefused) as caught:
        _stage(
            citizen,
            ("хороший.png", samples.png()),
            ("вирус.pdf", samples.EXE),
            ("страница.jpg", samples.HTML),
            ("пусто.pdf", b""),
            ("../../etc/passwd.pdf", samples.pdf()),
        )
    refused = {r.name: r.reason for r in caught.value.refusals}
    assert set(refused) == {"вирус.pdf", "страница.jpg", "пусто.pdf", "../../etc/passwd.pdf"}
    assert "исполняемый" in refused["вирус.pdf"]
    assert "веб-страница" in refused["страница.jpg"]
    assert "пустой" in refused["пусто.pdf"]
    assert "путь" in refused["../../etc/passwd.pdf"]
    messages = caught.value.errors["files"]
    assert any(m.startswith("«вирус.pdf»: ") for m in messages)
    assert Attachment.objects.count() == before


@override_settings(PRIEMNAYA_ATTACHMENT_MAX_BYTES=1000)
def test_a_file_over_the_size_limit_is_refused(citizen):
    with pytest.raises(UploadRefused) as caught:
        _stage(citizen, ("большой.png", samples.noisy_png(40, 40)))
    assert "больше 1000 Б" in caught.value.refusals[0].reason


@override_settings(PRIEMNAYA_APPEAL_ATTACHMENTS_MAX_COUNT=2)
def test_too_many_files_at_once_are_refused_beyond_the_count(citizen):
    with pytest.raises(UploadRefused) as caught:
        _stage(citizen, *[(f"{n}.png", samples.png()) for n in range(3)])
    assert [r.name for r in caught.value.refusals] == ["2.png"]
    assert "не больше 2" in caught.value.refusals[0].reason


@override_settings(PRIEMNAYA_CHAT_ATTACHMENTS_MAX_COUNT=3)
def test_a_chat_message_carries_at_most_three(citizen):
    with pytest.raises(UploadRefused) as caught:
        _stage(citizen, *[(f"{n}.png", samples.png()) for n in range(4)], purpose=Purpose.CHAT)
    assert "к одному сообщению" in caught.value.refusals[0].reason


def test_per_appeal_total_size_counts_files_already_there(citizen, registered):
    first = _stage(citizen, ("a.png", samples.png()))
    attachments_bind(ids=[a.pk for a in first], actor=citizen, appeal_id=registered.pk)
    size = first[0].size
    with override_settings(PRIEMNAYA_APPEAL_ATTACHMENTS_MAX_BYTES=size * 2 + 10):
        _stage(citizen, ("b.png", samples.png()), appeal_id=registered.pk)
        with pytest.raises(UploadRefused) as caught:
            _stage(
                citizen,
                ("b.png", samples.png()),
                ("c.png", samples.png()),
                appeal_id=registered.pk,
            )
    assert [r.name for r in caught.value.refusals] == ["c.png"]
    assert "вместе с другими файлами" in caught.value.refusals[0].reason


def test_binding_rechecks_the_appeals_limits(citizen, registered):
    with override_settings(PRIEMNAYA_APPEAL_ATTACHMENTS_MAX_COUNT=2):
        staged = _stage(citizen, *[(f"{n}.png", samples.png()) for n in range(2)])
        attachments_bind(ids=[a.pk for a in staged], actor=citizen, appeal_id=registered.pk)
        more = _stage(citizen, ("ещё.png", samples.png()))
        with pytest.raises(UploadRefused) as caught:
            attachments_bind(ids=[more[0].pk], actor=citizen, appeal_id=registered.pk)
    assert caught.value.field == "attachments"
    assert "«ещё.png»" in caught.value.errors["attachments"][0]
    more[0].refresh_from_db()
    assert more[0].appeal_id is None


def test_binding_anothers_or_bound_files_is_refused(citizen, other_citizen, registered):
    theirs = _stage(other_citizen, ("чужой.png", samples.png()))
    with pytest.raises(ValidationFailed) as caught:
        attachments_bind(ids=[theirs[0].pk], actor=citizen, appeal_id=registered.pk)
    assert caught.value.field == "attachments"
    mine = _stage(citizen, ("мой.png", samples.png()))
    attachments_bind(ids=[mine[0].pk], actor=citizen, appeal_id=registered.pk)
    with pytest.raises(ValidationFailed) as caught:
        attachments_bind(ids=[mine[0].pk], actor=citizen, appeal_id=registered.pk)
    assert "уже приложен" in caught.value.errors["attachments"][0]
    with pytest.raises(ValidationFailed):
        attachments_bind(ids=[999_999], actor=citizen, appeal_id=registered.pk)
    theirs[0].refresh_from_db()
    assert theirs[0].appeal_id is None


def test_answer_files_bind_only_to_an_answer(operator, in_progress):
    files = _stage(operator, ("ответ.pdf", samples.pdf()), purpose=Purpose.ANSWER)
    with pytest.raises(ValidationFailed) as caught:
        attachments_bind(ids=[files[0].pk], actor=operator, appeal_id=in_progress.pk)
    assert "для ответа" in caught.value.errors["attachments"][0]


def test_discard_removes_own_staged_file_and_its_content(
    citizen, other_citizen, registered, django_capture_on_commit_callbacks
):
    [a] = _stage(citizen, ("лишний.png", samples.png()))
    key = a.key
    with pytest.raises(NotFound):
        attachment_discard(attachment_id=a.pk, actor=other_citizen)
    with django_capture_on_commit_callbacks(execute=True):
        attachment_discard(attachment_id=a.pk, actor=citizen)
    assert not Attachment.objects.filter(pk=a.pk).exists()
    assert not services.storage().exists(key)
    [b] = _stage(citizen, ("нужный.png", samples.png()))
    attachments_bind(ids=[b.pk], actor=citizen, appeal_id=registered.pk)
    with pytest.raises(ValidationFailed):
        attachment_discard(attachment_id=b.pk, actor=citizen)
    assert Attachment.objects.filter(pk=b.pk).exists()


def test_the_sweep_removes_only_old_unbound_files(citizen, registered):
    [old] = _stage(citizen, ("старый.png", samples.png()))
    [bound] = _stage(citizen, ("приложен.png", samples.png()))
    attachments_bind(ids=[bound.pk], actor=citizen, appeal_id=registered.pk)
    Attachment.objects.filter(pk__in=[old.pk, bound.pk]).update(
        uploaded_at=clock.now() - timedelta(days=2)
    )
    [fresh] = _stage(citizen, ("свежий.png", samples.png()))
    assert staged_sweep(timedelta(days=1)) == 1
    assert set(Attachment.objects.values_list("pk", flat=True)) == {bound.pk, fresh.pk}
    assert not services.storage().exists(old.key)


def test_the_sweep_is_a_periodic_task():
    from django.conf import settings

    assert any(
        path == "priemnaya.attachments.tasks.staged_sweep"
        for path, _ in settings.PRIEMNAYA_PERIODIC_TASKS
    )


def test_selectors_find_the_appeals_files_only(citizen, registered, submit):
    [a] = _stage(citizen, ("a.png", samples.png()))
    attachments_bind(ids=[a.pk], actor=citizen, appeal_id=registered.pk)
    other = submit(citizen)
    assert list(appeal_attachments(registered.pk)) == [a]
    assert attachment_for_appeal(registered.pk, a.pk) == a
    with pytest.raises(NotFound):
        attachment_for_appeal(other.pk, a.pk)


@pytest.mark.parametrize(
    ("name", "ascii_name"),
    [
        ("Справка о доходах.pdf", "Spravka o dokhodakh.pdf"),
        ('evil"; filename="x.exe.pdf', "evil_ filename_x.exe.pdf"),
        ("line\r\nSet-Cookie: a=b.png", "lineSet-Cookie_ a_b.png"),
        ("ъ.pdf", "file.pdf"),
    ],
)
def test_content_disposition_is_safe_and_keeps_the_cyrillic_name(name, ascii_name):
    value = content_disposition(name)
    assert value.startswith("attachment; ")
    assert f'filename="{ascii_name}"' in value
    assert "\r" not in value
    assert "\n" not in value
    assert value.isascii()
    original = value.split("filename*=UTF-8''", 1)[1]
    from urllib.parse import unquote

    assert unquote(original) == name.replace("\r", "").replace("\n", "")
    assert '"' not in original


def test_content_disposition_inline():
    assert content_disposition("фото.png", inline=True).startswith("inline; ")
