"""`priemnaya audit verify` and `manage.py audit_verify`: the message and the exit code."""

import os
import sqlite3
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from priemnaya import cli
from priemnaya.audit.models import AuditVerification
from priemnaya.audit.services import audit_record
from tests.audit.tamper import guards_off, raw_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def three():
    return [audit_record(action=f"test.{n}") for n in range(3)]


def test_the_command_reports_an_intact_chain_and_keeps_the_result(three, capsys):
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "Цепочка цела: 3 записей"
    assert f"Хеш последней записи: {three[-1].hash}" in out
    check = AuditVerification.objects.get()
    assert (check.ok, check.checked, check.broken_at, check.head_hash) == (
        True,
        3,
        None,
        three[-1].hash,
    )


def test_the_command_fails_with_the_first_broken_link(three):
    guards_off()
    raw_update(2, action="test.x")
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify")
    assert str(failure.value) == "Нарушение цепочки: запись #2 — содержимое записи изменено"
    assert failure.value.returncode == 1
    check = AuditVerification.objects.get()
    assert (check.ok, check.checked, check.broken_at) == (False, 1, 2)


def test_the_cli_exits_0_on_an_intact_chain(three, capsys):
    cli.main(["audit", "verify"])  # returns: exit status 0
    assert "Цепочка цела: 3 записей" in capsys.readouterr().out


def test_the_cli_exits_1_on_a_broken_chain(three, capsys):
    guards_off()
    raw_update(3, details={"forged": True})
    with pytest.raises(SystemExit) as exit_:
        cli.main(["audit", "verify"])
    assert exit_.value.code == 1
    assert capsys.readouterr().err.strip() == (
        "Нарушение цепочки: запись #3 — содержимое записи изменено"
    )


CLI = [sys.executable, "-m", "priemnaya.cli"]
BASE_ENV = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}


@pytest.mark.processes
@pytest.mark.embedded
def test_the_real_command_exits_0_then_1_after_tampering(tmp_path):
    """The installed command on a migrated SQLite file, tampered with by sqlite3 directly."""
    env = {**BASE_ENV, "PRIEMNAYA_VAR_DIR": str(tmp_path), "DEBUG": "1"}

    def run(*args):
        return subprocess.run(  # noqa: S603
            [*CLI, *args], env=env, capture_output=True, text=True, timeout=180
        )

    assert run("manage", "migrate", "--no-input", "-v", "0").returncode == 0
    script = (
        "from priemnaya.audit.services import audit_record as r\nfor n in range(4): r(action='t')"
    )
    assert run("manage", "shell", "-c", script).returncode == 0
    done = run("audit", "verify")
    assert (done.returncode, done.stdout.splitlines()[0]) == (0, "Цепочка цела: 4 записей")

    database = sqlite3.connect(tmp_path / "priemnaya.sqlite3")
    with pytest.raises(sqlite3.IntegrityError):  # the trigger refuses…
        database.execute("UPDATE audit_auditentry SET action = 'x' WHERE id = 2")
    database.execute("DROP TRIGGER audit_auditentry_append_only")  # …until a DBA drops it
    database.execute("UPDATE audit_auditentry SET action = 'x' WHERE id = 2")
    database.commit()
    database.close()
    done = run("audit", "verify")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "Нарушение цепочки: запись #2 — содержимое записи изменено"
    )
