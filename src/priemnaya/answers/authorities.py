"""The higher authorities a citizen may complain to about an appeal (SPEC §11).

Public details of federal bodies as published on their official sites (late 2025). Addresses and
online reception pages change: проверьте актуальность перед отправкой — the complaint page says so
too. Regional offices (a region's prosecutor, its ombudsman) are often the right addressee; the
explanation of each body says when.
"""

from __future__ import annotations

from dataclasses import dataclass

CHECK_NOTE = (
    "Реквизиты взяты с официальных сайтов органов; проверьте актуальность адреса перед отправкой."
)


@dataclass(frozen=True)
class Authority:
    code: str
    short: str  # how people call it: «Роскомнадзор»
    name: str  # the official name, as the addressee line reads
    addressee: str  # the complaint's «Кому» line: «В …» or «Уполномоченному …»
    when: str  # when a complaint there fits
    postal: str
    online: str


AUTHORITIES: tuple[Authority, ...] = (
    Authority(
        code="prosecutor",
        short="Прокуратура",
        name="Генеральная прокуратура Российской Федерации",
        addressee="В Генеральную прокуратуру Российской Федерации",
        when=(
            "Нарушены сроки или порядок рассмотрения обращения по Федеральному закону № 59-ФЗ: "
            "ответа нет после истечения срока, ответ дан не по существу, обращение не "
            "зарегистрировано или переслано без оснований. Прокуратура надзирает за соблюдением "
            "закона; жалобу можно подать и в прокуратуру субъекта или района по месту нахождения "
            "органа."
        ),
        postal="125993, ГСП-3, г. Москва, ул. Большая Дмитровка, д. 15а",
        online="https://epp.genproc.gov.ru/web/gprf/internet-reception",
    ),
    Authority(
        code="rkn",
        short="Роскомнадзор",
        name=(
            "Федеральная служба по надзору в сфере связи, информационных технологий и массовых "
            "коммуникаций (Роскомнадзор)"
        ),
        addressee=(
            "В Федеральную службу по надзору в сфере связи, информационных технологий и массовых "
            "коммуникаций (Роскомнадзор)"
        ),
        when=(
            "Нарушены ваши права как субъекта персональных данных (Федеральный закон № 152-ФЗ): "
            "данные обработаны без согласия, раскрыты посторонним, не удалены или не исправлены "
            "по вашему запросу, утекли."
        ),
        postal="109992, г. Москва, Китайгородский проезд, д. 7, стр. 2",
        online="https://rkn.gov.ru/treatments/ask-question/",
    ),
    Authority(
        code="mintsifry",
        short="Минцифры России",
        name="Министерство цифрового развития, связи и массовых коммуникаций Российской Федерации",
        addressee=(
            "В Министерство цифрового развития, связи и массовых коммуникаций Российской Федерации"
        ),
        when=(
            "Проблема связана с Госуслугами (ЕПГУ) или другим государственным цифровым сервисом: "
            "услуга недоступна, заявление не доходит, ошибка в работе портала не устраняется."
        ),
        postal="125039, г. Москва, Пресненская набережная, д. 10, стр. 2",
        online="https://digital.gov.ru/appeals",
    ),
    Authority(
        code="ombudsman",
        short="Уполномоченный по правам человека",
        name="Уполномоченный по правам человека в Российской Федерации",
        addressee="Уполномоченному по правам человека в Российской Федерации",
        when=(
            "Решением или действием (бездействием) органа нарушены ваши права и свободы, а "
            "обжалование в самом органе или в вышестоящем органе не помогло. Жалоба подаётся не "
            "позднее одного года со дня нарушения; есть и региональные уполномоченные."
        ),
        postal="101000, г. Москва, ул. Мясницкая, д. 47",
        online="https://ombudsmanrf.org/appeal",
    ),
)

BY_CODE = {a.code: a for a in AUTHORITIES}
