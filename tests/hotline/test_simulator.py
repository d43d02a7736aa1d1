"""`priemnaya hotline simulate-call`: real signed HTTP requests to a running server (issue 13)."""

from __future__ import annotations

import pytest

from priemnaya.cli import main
from priemnaya.hotline.cti import INCOMING, CtiEvent
from priemnaya.hotline.models import Call, CallOutcome
from priemnaya.hotline.simulator import SimulatorUnreachable, post_event


def test_the_command_rings_and_ends_a_call(transactional_db, live_server, settings, capsys):
    from priemnaya.hotline.services import line_load_defaults

    line_load_defaults()
    settings.PRIEMNAYA_CTI_SECRET = "cli-secret"
    main(["hotline", "simulate-call", "--url", live_server.url, "--duration", "42"])
    out = capsys.readouterr().out
    assert out.count(": 200 ") == 3, out
    call = Call.objects.get()
    assert (call.line.phone, call.caller, call.duration) == ("+78005553535", "+79161234567", 42)
    assert call.state == "ended"


def test_a_missed_call_and_a_wrong_secret(transactional_db, live_server, settings, capsys):
    from priemnaya.hotline.services import line_load_defaults

    line_load_defaults()
    settings.PRIEMNAYA_CTI_SECRET = "cli-secret"
    main(["hotline", "simulate-call", "--url", live_server.url, "--missed"])
    assert Call.objects.get().outcome == CallOutcome.MISSED
    event = CtiEvent(INCOMING, "forged", line="+78005553535", caller="", agent="")
    assert post_event(live_server.url, event, secret="wrong").status == 403
    assert not Call.objects.filter(cti_id="forged").exists()


def test_an_unreachable_service_is_said_so():
    with pytest.raises(SimulatorUnreachable):
        post_event("http://127.0.0.1:9", CtiEvent(INCOMING, "x", line="1"), secret="s")
