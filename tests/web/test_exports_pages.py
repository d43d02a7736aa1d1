"""The exports and the complaint guide through the pages and the API (issue 10, parts 6–7)."""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import unquote

import pytest
from django.urls import reverse
from docx import Document

from priemnaya.answers.exports import attachment_disposition
from priemnaya.audit.models import AuditEntry
from tests.answers.test_exports import pdf_text
from tests.factories import api, signed_in

DEMAND = "Провести проверку соблюдения сроков рассмотрения обращения."


def _filename(response) -> str:
    found = re.search(r"filename\*=UTF-8''([^;]+)", response["Content-Disposition"])
    assert found, response["Content-Disposition"]
    return unquote(found.group(1))


def test_the_pages_link_every_export(answered, citizen):
    client = signed_in(citizen)
    detail = client.get(reverse("web:appeal_detail", args=[answered.number])).content.decode()
    for url, text in (
        (reverse("web:appeal_pdf", args=[answered.number]), "Скачать обращение (PDF)"),
        (reverse("web:appeal_evidence", args=[answered.number]), "Пакет доказательств (ZIP)"),
        (
            reverse("web:appeal_complaint", args=[answered.number]),
            "Подать жалобу в вышестоящий орган",
        ),
    ):
        assert f'href="{url}"' in detail
        assert text in detail
    listing = client.get(reverse("web:cabinet")).content.decode()
    assert f'href="{reverse("web:history_pdf")}"' in listing
    assert "Вся история обращений (PDF)" in listing


def test_downloads_carry_cyrillic_names_and_the_facts(answered, citizen):
    client = signed_in(citizen)
    pdf = client.get(reverse("web:appeal_pdf", args=[answered.number]))
    assert pdf["Content-Type"] == "application/pdf"
    assert _filename(pdf) == f"Обращение {answered.display_number}.pdf"
    assert f'filename="appeal-{answered.display_number}.pdf"' in pdf["Content-Disposition"]
    assert "Не могу войти в кабинет" in pdf_text(pdf.content)
    history = client.get(reverse("web:history_pdf"))
    assert _filename(history) == "История обращений.pdf"
    assert f"№ {answered.display_number}" in pdf_text(history.content)
    bundle = client.get(reverse("web:appeal_evidence", args=[answered.number]))
    assert bundle["Content-Type"] == "application/zip"
    assert "MANIFEST.json" in zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()


def test_a_content_disposition_cannot_be_broken_by_a_name():
    header = attachment_disposition('a"b\r\nSet-Cookie: x=1/../Отчёт.pdf', 'a"b\r\n.pdf')
    assert "\r" not in header
    assert "\n" not in header
    assert header.count('"') == 2
    assert header.endswith("%D0%9E%D1%82%D1%87%D1%91%D1%82.pdf")


def test_another_citizen_gets_404_for_everything(answered, other_citizen):
    client = signed_in(other_citizen)
    number = answered.number
    for name in ("web:appeal_pdf", "web:appeal_evidence", "web:appeal_complaint"):
        assert client.get(reverse(name, args=[number])).status_code == 404, name
    for name in ("web:appeal_complaint_pdf", "web:appeal_complaint_docx"):
        response = client.post(reverse(name, args=[number]), {"authority": "rkn", "demand": DEMAND})
        assert response.status_code == 404, name
    bearer = api(other_citizen)
    for path in (f"/appeals/{number}/export.pdf", f"/appeals/{number}/evidence.zip"):
        assert bearer("get", path).status_code == 404, path


def test_the_api_gives_the_owner_the_files(answered, citizen):
    bearer = api(citizen)
    pdf = bearer("get", f"/appeals/{answered.number}/export.pdf")
    assert pdf.status_code == 200
    assert "Проблема устранена." in pdf_text(pdf.content)
    history = bearer("get", "/appeals/export.pdf")
    assert history.status_code == 200
    assert "История обращений" in pdf_text(history.content)
    bundle = bearer("get", f"/appeals/{answered.number}/evidence.zip")
    assert bundle.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(bundle.content)).testzip() is None


def test_staff_get_the_summary_from_the_console_and_it_is_audited(answered, operator):
    client = signed_in(operator)
    page = client.get(reverse("web:console_detail", args=[answered.number])).content.decode()
    url = reverse("web:console_appeal_pdf", args=[answered.number])
    assert f'href="{url}"' in page
    before = AuditEntry.objects.filter(action="appeal.exported").count()
    response = client.get(url)
    assert response.status_code == 200
    assert "Не могу войти в кабинет" in pdf_text(response.content)
    entry = AuditEntry.objects.filter(action="appeal.exported").latest("id")
    assert AuditEntry.objects.filter(action="appeal.exported").count() == before + 1
    assert entry.target_id == str(answered.pk)


# ---- the complaint guide ----------------------------------------------------------------


def test_the_guide_walks_three_steps_without_javascript(answered, citizen):
    client = signed_in(citizen)
    url = reverse("web:appeal_complaint", args=[answered.number])
    step1 = client.get(url).content.decode()
    assert "Шаг 1 из 3" in step1
    for name in ("Роскомнадзор", "Минцифры России", "Прокуратура", "Уполномоченный по правам"):
        assert name in step1
    assert "проверьте актуальность" in step1
    step2 = client.get(url, {"authority": "prosecutor"}).content.decode()
    assert "Шаг 2 из 3" in step2
    number = answered.display_number
    assert f"Провести проверку соблюдения порядка рассмотрения моего обращения № {number}" in step2
    assert '<label for="id_demand">Требование' in step2
    step3 = client.post(url, {"authority": "prosecutor", "demand": DEMAND})
    assert step3.status_code == 200
    html = step3.content.decode()
    assert "Шаг 3 из 3" in html
    assert "В Генеральную прокуратуру Российской Федерации" in html
    assert DEMAND in html
    back = client.post(url, {"authority": "prosecutor", "demand": DEMAND, "edit": "1"})
    assert "Шаг 2 из 3" in back.content.decode()
    assert DEMAND in back.content.decode()


def test_the_complaint_downloads_as_pdf_and_docx(answered, citizen):
    client = signed_in(citizen)
    data = {"authority": "mintsifry", "demand": DEMAND}
    pdf = client.post(reverse("web:appeal_complaint_pdf", args=[answered.number]), data)
    assert pdf.status_code == 200
    assert _filename(pdf) == f"Жалоба по обращению {answered.display_number}.pdf"
    text = pdf_text(pdf.content)
    assert "В Министерство цифрового развития" in text
    assert DEMAND in text
    docx = client.post(reverse("web:appeal_complaint_docx", args=[answered.number]), data)
    assert docx.status_code == 200
    assert _filename(docx).endswith(".docx")
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert DEMAND in paragraphs
    assert f"№ {answered.display_number}" in "\n".join(paragraphs)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"authority": "", "demand": DEMAND}, "authority", "Выберите орган"),
        ({"authority": "kgb", "demand": DEMAND}, "authority", "Выберите орган"),
        ({"authority": "rkn", "demand": "   "}, "demand", "Напишите требование"),
        ({"authority": "rkn", "demand": "я" * 3001}, "demand", "не больше 3000 символов"),
    ],
)
def test_form_errors_are_russian_and_name_the_field(answered, citizen, data, field, message):
    client = signed_in(citizen)
    for name in ("web:appeal_complaint", "web:appeal_complaint_pdf"):
        response = client.post(reverse(name, args=[answered.number]), data)
        assert response.status_code == 400
        html = response.content.decode()
        assert message in html
        assert f'id="id_{field}_error"' in html
        assert "Исправьте ошибки" in html


def test_an_unknown_authority_in_the_link_returns_to_step_one(answered, citizen):
    response = signed_in(citizen).get(
        reverse("web:appeal_complaint", args=[answered.number]), {"authority": "kgb"}
    )
    assert response.status_code == 400
    assert "Шаг 1 из 3" in response.content.decode()
    assert "Выберите орган" in response.content.decode()


def test_step_one_pressed_with_no_choice_names_the_field(answered, citizen):
    response = signed_in(citizen).get(
        reverse("web:appeal_complaint", args=[answered.number]), {"chosen": "1"}
    )
    assert response.status_code == 400
    assert 'id="id_authority_error"' in response.content.decode()
