"""Quick replies of the operator's chat console.

The canned responses of issue 7 (answers.canned) are letters bound to an appeal, with
placeholders filled from it; a chat needs short phrases, so the console offers these instead and
links the knowledge base's articles (docs/chat.md, «Консоль оператора»).
"""

PHRASES: tuple[str, ...] = (
    "Здравствуйте! Меня зовут {имя}, я оператор Приёмной. Чем могу помочь?",
    "Минуту, пожалуйста: уточняю информацию.",
    "Для проверки нужны документы — приложите их к сообщению (до 3 файлов: PDF, DOC, JPG, PNG).",
    "Этот вопрос требует проверки специалистом. Я зарегистрирую обращение, номер придёт вам в чат.",
    "Могу ли я помочь чем-то ещё?",
    "Спасибо за обращение! Если вопросов больше нет, я завершу чат.",
)


def phrases_for(name: str) -> list[str]:
    """The phrases with the operator's first name in place of «{имя}»."""
    return [p.replace("{имя}", name) for p in PHRASES]
