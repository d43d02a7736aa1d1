"""Small generated files the demo attaches to a few appeals: a screenshot and two documents."""

from __future__ import annotations

import io
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFont

from priemnaya.answers.pdf import FONTS, HousePdf


def screenshot_png(title: str, lines: list[str]) -> bytes:
    """A picture of an error page, as an applicant would take it (Cyrillic through DejaVu)."""
    image = Image.new("RGB", (640, 360), (246, 247, 249))
    draw = ImageDraw.Draw(image)
    bold = ImageFont.truetype(str(FONTS / "DejaVuSans-Bold.ttf"), 22)
    regular = ImageFont.truetype(str(FONTS / "DejaVuSans.ttf"), 16)
    draw.rectangle((0, 0, 640, 48), fill=(30, 78, 140))
    draw.text((20, 12), "Портал госуслуг", font=bold, fill=(255, 255, 255))
    draw.rectangle((40, 90, 600, 300), fill=(255, 255, 255), outline=(200, 60, 60), width=2)
    draw.text((60, 110), title, font=bold, fill=(180, 40, 40))
    for i, line in enumerate(lines):
        draw.text((60, 160 + i * 26), line, font=regular, fill=(40, 40, 40))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def document_pdf(title: str, fields: list[tuple[str, str]], text: str) -> bytes:
    """A one-page document in the house layout."""
    pdf = HousePdf(title=title, subject=title)
    pdf.heading(title)
    for label, value in fields:
        pdf.field(label, value)
    pdf.paragraph(text)
    return pdf.render()


# (sample, citizen index or None, step) → the files given with that step: (name, builder).
DEMO_FILES: dict[tuple[str, int | None, str], list[tuple[str, Callable[[], bytes]]]] = {
    ("upload-scan", 0, "submit"): [
        (
            "Скриншот ошибки загрузки.png",
            lambda: screenshot_png(
                "Не удалось загрузить файл",
                ["Размер файла превышает допустимый.", "Код ошибки: UPL-413", "27.10.2026 14:05"],
            ),
        )
    ],
    ("registration-docs", 0, "reply"): [
        (
            "Справка о регистрации по месту жительства.pdf",
            lambda: document_pdf(
                "Справка о регистрации по месту жительства",
                [
                    ("Фамилия, имя, отчество", "Иванова Мария Сергеевна"),
                    ("Адрес", "г. Москва, ул. Примерная, д. 1, кв. 2"),
                    ("Дата регистрации", "12.03.2019"),
                ],
                "Справка выдана для представления по месту требования.",
            ),
        )
    ],
    ("login-loop", 0, "answer"): [
        (
            "Инструкция по входу.pdf",
            lambda: document_pdf(
                "Как войти после смены пароля",
                [("Раздел", "Вход и учётная запись")],
                "1. Очистите данные сайта в браузере. 2. Откройте страницу входа заново. "
                "3. Войдите с новым паролем; при повторе ошибки сообщите нам время попытки.",
            ),
        )
    ],
}
