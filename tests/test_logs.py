"""The log: a bug shows one sentence and leaves its traceback in the rotating log file."""

from __future__ import annotations

import workbench.commands.trace as trace_cmd
from workbench import cli, logs


def test_a_bug_in_a_command_is_one_sentence_and_a_logged_traceback(monkeypatch, capsys):
    def broken(_args):
        raise RuntimeError("a bug nobody planned for")

    real_register = trace_cmd.register

    def register(sub):
        real_register(sub)
        sub.choices["trace"].set_defaults(handler=broken)

    monkeypatch.setattr(trace_cmd, "register", register)
    assert cli.main(["trace", "X/Y"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "a bug nobody planned for" in err and str(logs.log_file()) in err
    text = logs.log_file().read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "RuntimeError: a bug nobody planned for" in text


def test_the_log_lives_under_the_workbench_home(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_HOME", str(tmp_path))
    assert logs.log_file() == tmp_path / "logs" / "workbench.log"
