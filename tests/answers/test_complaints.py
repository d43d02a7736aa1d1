"""The complaint to a higher authority (issue 10, part 7): the document from an appeal's facts."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from docx import Document

from priemnaya.answers.authorities import AUTHORITIES, BY_CODE
from priemnaya.answers.complaints import (
    complaint_build,
    complaint_docx,
    complaint_pdf,
    suggestion_for,
)
from priemnaya.appeals.presenters import due_date, format_date
from priemnaya.core import clock
from priemnaya.core.errors import NotFound, ValidationFailed
from tests.answers.conftest import attach
from tests.answers.test_exports import pdf_text

DEMAND = "Провести проверку соблюдения сроков рассмотрения обращения."
DAY = date(2026, 12, 20)


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join(p.text for p in doc.paragraphs)


def test_every_authority_has_a_name_an_address_and_an_explanation():
    assert {a.code for a in AUTHORITIES} == {"prosecutor", "rkn", "mintsifry", "ombudsman"}
    for a in AUTHORITIES:
        assert a.name
        assert a.postal[:6].isdigit()  # a postal code first
        assert a.online.startswith("https://")
        assert len(a.when) > 40


def test_the_complaint_about_an_answer_holds_addressee_applicant_dates_answer_and_demand(
    answered, citizen, operator, attachments_dir
):
    attach(answered, "квитанция.pdf", b"%PDF receipt")
    answered.contact_address = "101000, г. Москва, ул. Мясницкая, д. 1, кв. 2"
    answered.save(update_fields=["contact_address"])
    complaint = complaint_build(
        answered, for_user=citizen, authority="prosecutor", demand=DEMAND, day=DAY
    )
    answer = answered.answers.get()
    for text in (pdf_text(complaint_pdf(complaint)), docx_text(complaint_docx(complaint))):
        flat = " ".join(text.split())
        assert "В Генеральную прокуратуру Российской Федерации" in flat
        assert "125993, ГСП-3, г. Москва, ул. Большая Дмитровка, д. 15а" in flat
        assert "ЖАЛОБА" in flat
        assert f"ФИО: {answered.applicant_name}" in flat
        assert "Адрес: 101000, г. Москва, ул. Мясницкая, д. 1, кв. 2" in flat
        assert "E-mail: reply@example.ru" in flat
        assert f"№ {answered.display_number}" in flat
        assert f"{format_date(answered.registered_at)} мною подано обращение" in flat
        assert f"Срок ответа — до {format_date(due_date(answered))}" in flat
        assert "Предмет обращения: «Не могу войти в кабинет»" in flat
        assert (
            f"{format_date(answer.issued_at)} дан ответ: результат «Выполнено» "
            f"(код {answer.result_code}), исполнитель — {operator.full_name}"
        ) in flat
        assert "Текст ответа: «Проблема устранена.»" in flat
        assert f"Прошу {DEMAND}" in flat
        assert "Файл «квитанция.pdf»" in flat
        assert "Пакет доказательств" in flat
        assert f"20.12.2026 _______________ / {answered.applicant_name} /" in flat


def test_an_overdue_appeal_says_no_answer_was_given_and_the_deadline_passed(in_progress, citizen):
    due = format_date(due_date(in_progress))
    with clock.travel_to(in_progress.due_at + timedelta(days=3)):
        complaint = complaint_build(
            in_progress, for_user=citizen, authority="prosecutor", demand=DEMAND
        )
        suggestion = suggestion_for(in_progress, for_user=citizen, authority="prosecutor")
    assert f"Ответ на обращение не дан, хотя срок его рассмотрения истёк {due}." in complaint.facts
    assert suggestion.startswith(
        f"Провести проверку соблюдения сроков рассмотрения моего обращения № "
        f"{in_progress.display_number}"
    )
    assert "обеспечить направление мне ответа по существу" in suggestion


def test_an_extension_is_cited(registered, citizen, operator, head):
    from priemnaya.appeals import services

    services.appeal_take(appeal=registered, actor=operator)
    new_due = due_date(registered) + timedelta(days=3)
    services.appeal_extend(
        appeal=registered, actor=head, due_date=new_due, reason="Нужна проверка."
    )
    complaint = complaint_build(registered, for_user=citizen, authority="ombudsman", demand=DEMAND)
    assert any(
        "Срок рассмотрения продлён" in line and f"до {format_date(new_due)}" in line
        for line in complaint.timeline
    ), complaint.timeline


@pytest.mark.parametrize("code", sorted(BY_CODE))
def test_each_authority_gets_a_suggestion_naming_the_appeal(answered, citizen, code):
    suggestion = suggestion_for(answered, for_user=citizen, authority=code)
    assert answered.display_number in suggestion
    assert suggestion.endswith(".")


def test_bad_input_names_the_field(answered, citizen):
    with pytest.raises(ValidationFailed) as caught:
        complaint_build(answered, for_user=citizen, authority="kgb", demand="  ")
    assert set(caught.value.errors) == {"authority", "demand"}
    assert "Выберите орган" in caught.value.errors["authority"][0]
    assert "Напишите требование" in caught.value.errors["demand"][0]
    with pytest.raises(ValidationFailed) as caught:
        complaint_build(answered, for_user=citizen, authority="rkn", demand="я" * 3001)
    assert "3000" in caught.value.errors["demand"][0]


def test_only_the_applicant_may_build_it(answered, other_citizen, operator):
    for user in (other_citizen, operator):
        with pytest.raises(NotFound):
            complaint_build(answered, for_user=user, authority="rkn", demand=DEMAND)
