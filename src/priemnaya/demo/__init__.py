"""Demo data: accounts with a known password and sample appeals in every state."""

DEMO_PASSWORD = "Priemnaya-demo-1"  # noqa: S105 — documented demo-only password

# role, e-mail, full name
DEMO_ACCOUNTS = [
    ("citizen", "citizen@demo.priemnaya.ru", "Иванова Мария Сергеевна"),
    ("operator", "operator@demo.priemnaya.ru", "Петров Алексей Викторович"),
    ("specialist", "specialist@demo.priemnaya.ru", "Смирнова Ольга Николаевна"),
    ("supervisor", "supervisor@demo.priemnaya.ru", "Кузнецов Дмитрий Андреевич"),
    ("administrator", "admin@demo.priemnaya.ru", "Соколова Анна Игоревна"),
    ("auditor", "auditor@demo.priemnaya.ru", "Морозов Игорь Павлович"),
]
