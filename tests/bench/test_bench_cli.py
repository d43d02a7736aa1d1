"""`priemnaya bench` outside a clone of the repository (a wheel install has no bench/ folder)."""

from __future__ import annotations

import pytest

from priemnaya import cli


def test_bench_without_the_bench_folder_says_where_to_run_it(monkeypatch):
    monkeypatch.setattr(cli, "_bench_suite", lambda: None)
    with pytest.raises(SystemExit) as exit_:
        cli.main(["bench", "run", "--smoke"])
    assert "bench/" in str(exit_.value.code)
    assert "клона репозитория" in str(exit_.value.code)


def test_bench_commands_come_from_the_repository():
    suite = cli._bench_suite()
    assert suite is not None
    args = cli.build_parser().parse_args(["bench", "generate", "--appeals", "10", "--seed", "3"])
    assert (args.appeals, args.seed, args.func) == (10, 3, suite.cmd_generate)
    args = cli.build_parser().parse_args(["bench", "run", "--smoke", "--no-peer"])
    assert (args.smoke, args.no_peer, args.func) == (True, True, suite.cmd_run)
