"""The demo's answer templates (шаблоны ответов): a few realistic ones across the demo themes."""

from __future__ import annotations

from priemnaya.accounts.models import User
from priemnaya.answers.canned import template_save
from priemnaya.answers.models import ResponseTemplate
from priemnaya.catalog.models import Theme

# title, theme codes (none: every theme), body
TEMPLATES: list[tuple[str, tuple[str, ...], str]] = [
    (
        "Вход восстановлен",
        ("tech-login", "cabinet-access"),
        "Уважаемый(ая) {имя}!\n\nПо обращению № {номер} от {дата}: доступ к личному кабинету "
        "восстановлен. Войдите с паролем и кодом из SMS; если вход снова не удастся, ответьте на "
        "это сообщение, указав время попытки и текст ошибки.\n\n{исполнитель}, {ведомство}",
    ),
    (
        "SMS-код: проверка на стороне оператора связи",
        ("tech-sms",),
        "Уважаемый(ая) {имя}!\n\nМы проверили отправку кодов на ваш номер по обращению № {номер}: "
        "сообщения переданы оператору связи. Проверьте, не включена ли блокировка коротких "
        "номеров, и повторите запрос кода не раньше чем через 2 минуты.\n\n{исполнитель}",
    ),
    (
        "Ошибка сайта исправлена",
        ("tech",),
        "Уважаемый(ая) {имя}!\n\nОшибка, о которой вы сообщили в обращении № {номер}, исправлена. "
        "Спасибо, что помогли её найти.\n\n{исполнитель}, {ведомство}",
    ),
    (
        "Заявление на услугу: сроки рассмотрения",
        ("services-status", "services-documents"),
        "Уважаемый(ая) {имя}!\n\nВаше заявление находится на рассмотрении в ведомстве. Мы "
        "направили запрос о сроках и сообщим результат не позднее {срок}.\n\n{исполнитель}",
    ),
    (
        "Отказ в услуге: порядок обжалования",
        ("services-refusal",),
        "Уважаемый(ая) {имя}!\n\nПо обращению № {номер} от {дата} проверена обоснованность "
        "отказа. Решение можно обжаловать в досудебном порядке в течение трёх месяцев со дня "
        "отказа; приложите к жалобе копию отказа и документы.\n\n{исполнитель}, {ведомство}",
    ),
    (
        "Возврат платежа",
        ("services-payment",),
        "Уважаемый(ая) {имя}!\n\nЗаявка на возврат средств по обращению № {номер} передана в "
        "ведомство, получившее платёж. Деньги вернутся на счёт, с которого была оплата, в течение "
        "30 дней.\n\n{исполнитель}",
    ),
    (
        "Запрос уточнения",
        (),
        "Уважаемый(ая) {имя}!\n\nЧтобы ответить на обращение № {номер} ({тема}), нам нужно "
        "уточнение: \n\nОтветьте, пожалуйста, в личном кабинете.\n\n{исполнитель}, {ведомство}",
    ),
    (
        "Благодарность за отзыв",
        ("feedback", "support-work"),
        "Уважаемый(ая) {имя}!\n\nСпасибо за отзыв (обращение № {номер}). Мы передали его "
        "руководителю службы, он будет учтён в работе.\n\n{ведомство}",
    ),
]


def load_templates(admin: User) -> int:
    """Create the demo templates that are missing (by title); return how many were made."""
    made = 0
    existing = set(ResponseTemplate.objects.values_list("title", flat=True))
    themes = {t.code: t for t in Theme.objects.all()}
    for title, codes, body in TEMPLATES:
        if title in existing:
            continue
        template_save(
            actor=admin,
            template=None,
            title=title,
            body=body,
            themes=[themes[c] for c in codes if c in themes],
            kinds=[],
        )
        made += 1
    return made
