"""Collective issues in the browser (issue 14): staff merge a suggestion, a citizen joins it from
the help before filing, staff answer once and the public page shows the answer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from priemnaya.appeals.models import Answer
from priemnaya.collective.models import CollectiveIssue, Signer
from tests.collective.factories_collective import sms_appeals
from tests.e2e.test_round_trip import sign_in
from tests.factories import make_citizen

pytestmark = pytest.mark.e2e

DRAFT = "Уже третий день не приходит SMS с кодом подтверждения, не могу войти в личный кабинет."


@pytest.mark.parametrize("width", [1280, 375])
def test_merge_join_and_answer_once(
    transactional_db, live_server, browser, shot, supervisor, width
):
    appeals = sms_appeals(3)
    base = live_server.url
    staff = browser.new_context(viewport={"width": width, "height": 900}, locale="ru-RU").new_page()
    sign_in(staff, base, supervisor.email)
    # the supervisor finds the suggestion through the menu and merges it
    staff.get_by_role("link", name="Коллективные обращения").click()
    cluster = staff.get_by_test_id("cluster")
    expect(cluster).to_be_visible()
    expect(cluster).to_contain_text("общие слова", ignore_case=True)
    expect(cluster).to_contain_text("та же тема")
    shot(staff, f"collective-suggestions-{width}")
    cluster.get_by_text("Объединить в новое коллективное обращение").click()
    cluster.get_by_label("Описание проблемы для граждан").fill(
        "У жителей области не приходят SMS с кодом подтверждения при входе."
    )
    cluster.get_by_label("Открыть для присоединения граждан").check()
    cluster.get_by_role("button", name="Объединить").click()
    expect(staff.get_by_test_id("signer-count")).to_have_text("3")
    issue = CollectiveIssue.objects.get()
    assert issue.members.count() == 3
    # a citizen typing the same problem is offered to join instead of filing
    citizen = make_citizen()
    page = browser.new_context(viewport={"width": width, "height": 900}, locale="ru-RU").new_page()
    sign_in(page, base, citizen.email)
    page.goto(f"{base}/cabinet/new/")
    page.get_by_label("Вид обращения").select_option("support")
    page.get_by_label("Тема").select_option("tech-sms")
    page.get_by_label("Кратко, о чём обращение").fill("Не приходит SMS")
    page.get_by_label("Описание").fill(DRAFT)
    offers = page.get_by_test_id("collective-offers")
    expect(offers).to_be_visible()
    shot(page, f"collective-offer-{width}")
    offers.get_by_role("button", name="Присоединиться").click()
    expect(page.get_by_test_id("collective-signed")).to_be_visible()
    expect(page.get_by_test_id("collective-signers")).to_have_text("4")
    assert Signer.objects.filter(user=citizen, way=Signer.Way.COSIGN).exists()
    # staff answer once
    staff.reload()
    staff.get_by_label("Ответ всем подписавшим").fill("Сбой у оператора устранён, коды приходят.")
    staff.get_by_role("button", name="Ответить всем").click()
    expect(staff.get_by_test_id("collective-deliveries")).to_be_visible()
    shot(staff, f"collective-answered-{width}")
    assert Answer.objects.filter(appeal__in=appeals).count() == 3
    # the citizen reads the answer on the public page and in the cabinet
    page.reload()
    expect(page.get_by_test_id("collective-answer")).to_contain_text("коды приходят")
    shot(page, f"collective-public-{width}")
    page.goto(f"{base}/cabinet/collective/")
    expect(page.get_by_test_id("signature-answer")).to_contain_text("коды приходят")
