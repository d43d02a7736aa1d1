from priemnaya.appeals import services
from tests.conftest import appeal_input


def test_roundtrip(citizen, operator):
    a = services.appeal_submit(actor=citizen, data=appeal_input())
    assert a.number
    assert a.status == "registered"
    assert a.department.code == "support"
    a = services.appeal_take(appeal=a, actor=operator)
    a = services.appeal_answer(appeal=a, actor=operator, outcome="resolved", text="Готово")
    assert a.status == "answered"
    assert a.events.count() == 3
