"""Where ``-o FILE`` (and ``--plot FILE``) writes, end to end: standard output, regular files
(atomic, mode kept), symbolic links (followed, kept), devices and FIFOs (written through, never
replaced), read-only targets (refused without ``--force``), every write failure (one line, exit 2,
the old file intact); and model paths that are not regular files (refused without blocking).

Most cases run the CLI in this process (:func:`tests.cli.entry.run`); standard output as a real
file descriptor, a file-size limit and a FIFO model run it in a subprocess.
"""

from __future__ import annotations

import errno
import os
import resource
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_games.cli import COMMANDS, cli
from alliance_games.cli.output import emit
from alliance_games.errors import AllianceGamesError
from alliance_games.render import output_target
from tests.cli.entry import run

EXPORT = ("export", "prisoners_dilemma", "--to", "nfg")
"""A quick command with -o: the prisoner's dilemma as a Gambit .nfg (starts with ``NFG``)."""
OLD = "old content\n"
TIMEOUT = 60  # seconds a subprocess may take before the test fails instead of hanging


def _export(target: Path | str, *extra: str) -> tuple[int, str, str]:
    return run(*EXPORT, "-o", str(target), *extra)


def _one_line_error(code: int, err: str, *needles: str) -> None:
    """Exit 2 with exactly one stderr line, no traceback or internal error, naming every needle."""
    assert code == 2, err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "internal error" not in err
    for needle in needles:
        assert needle in err, (needle, err)


def _cli(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "alliance_games", *args], capture_output=True,
                          text=True, timeout=TIMEOUT, check=False, **kwargs)  # type: ignore[call-overload]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# ---- standard output -------------------------------------------------------------------------
@pytest.mark.parametrize("target", ["-", "/dev/stdout"])
def test_dash_and_dev_stdout_print_to_standard_output(target: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _export(target)
    assert code == 0, err
    assert out.startswith("NFG 1 R") and "wrote" not in err
    assert list(tmp_path.iterdir()) == []


def test_dev_stdout_and_a_link_to_it_in_a_real_process(tmp_path: Path) -> None:
    link = tmp_path / "out"
    link.symlink_to("/proc/self/fd/1")  # what /dev/stdout is
    for target in ("/dev/stdout", str(link)):
        done = _cli(*EXPORT, "-o", target)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("NFG 1 R")
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"


def test_rich_table_to_dash_is_printed_once() -> None:
    code, out, err = run("compare", "branch_commitment", "-o", "-")
    assert code == 0, err
    assert out.count("Keep reliability") == 1


# ---- regular files ---------------------------------------------------------------------------
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664, 0o755])
def test_replaced_file_keeps_its_mode(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "pd.nfg"
    target.write_text(OLD)
    target.chmod(mode)
    code, _, err = _export(target)
    assert code == 0, err
    assert target.read_text().startswith("NFG 1 R")
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert _leftovers(tmp_path) == []


def test_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    target = tmp_path / "new.nfg"
    mask = os.umask(0o027)
    try:
        code, _, err = _export(target)
    finally:
        os.umask(mask)
    assert code == 0, err
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert err == f"wrote {target}\n"


def test_read_only_file_is_refused_then_replaced_with_force_keeping_its_mode(
        tmp_path: Path) -> None:
    target = tmp_path / "ro.nfg"
    target.write_text(OLD)
    target.chmod(0o444)  # no w bit: refused even as root, who could write it
    code, _, err = _export(target)
    _one_line_error(code, err, str(target), "read-only", "0444", "--force")
    assert target.read_text() == OLD
    code, _, err = _export(target, "--force")
    assert code == 0, err
    assert target.read_text().startswith("NFG 1 R")
    assert stat.S_IMODE(target.stat().st_mode) == 0o444
    assert _leftovers(tmp_path) == []


# ---- symbolic links --------------------------------------------------------------------------
def test_symlink_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.nfg"
    real.write_text(OLD)
    real.chmod(0o640)
    link = tmp_path / "link.nfg"
    link.symlink_to("real.nfg")
    code, _, err = _export(link)
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == "real.nfg"
    assert real.read_text().startswith("NFG 1 R")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert _leftovers(tmp_path) == []


def test_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.nfg"
    link.symlink_to("made.nfg")
    code, _, err = _export(link)
    assert code == 0, err
    assert link.is_symlink() and (tmp_path / "made.nfg").read_text().startswith("NFG 1 R")


def test_symlink_to_read_only_file_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "real.nfg"
    real.write_text(OLD)
    real.chmod(0o444)
    link = tmp_path / "link.nfg"
    link.symlink_to(real)
    code, _, err = _export(link)
    _one_line_error(code, err, "read-only", "--force")
    assert real.read_text() == OLD and link.is_symlink()


# ---- devices and FIFOs: written through --------------------------------------------------------
def test_character_device_is_written_through_not_replaced() -> None:
    code, _, err = _export("/dev/null")
    assert code == 0, err
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_full_device_is_one_line_enospc() -> None:
    code, _, err = _export("/dev/full")
    _one_line_error(code, err, "/dev/full", os.strerror(errno.ENOSPC))
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_fifo_is_written_through_to_its_reader(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, _, err = _export(fifo)
    reader.join(TIMEOUT)
    assert code == 0, err
    assert received and received[0].startswith(b"NFG 1 R")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_fifo_without_a_reader_is_given_up(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output_target, "FIFO_READER_WAIT", 0.2)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, _, err = _export(fifo)
    _one_line_error(code, err, str(fifo), "no process reads")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


# ---- failures: one line, exit 2, the old file intact --------------------------------------------
def test_missing_folder(tmp_path: Path) -> None:
    code, _, err = _export(tmp_path / "nowhere" / "pd.nfg")
    _one_line_error(code, err, "pd.nfg", "does not exist")
    assert list(tmp_path.iterdir()) == []


def test_folder_as_target(tmp_path: Path) -> None:
    code, _, err = _export(tmp_path)
    _one_line_error(code, err, str(tmp_path), os.strerror(errno.EISDIR))


def test_unwritable_folder_is_one_line_and_the_old_file_survives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "pd.nfg"
    target.write_text(OLD)

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES),
                              str(tmp_path / ".pd.nfg.x.tmp"))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)  # as root no folder is unwritable
    code, _, err = _export(target)
    _one_line_error(code, err, str(target), os.strerror(errno.EACCES), "unchanged")
    assert ".tmp" not in err
    assert target.read_text() == OLD


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any folder")
def test_unwritable_folder_for_real(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        code, _, err = _export(folder / "pd.nfg")
    finally:
        folder.chmod(0o755)
    _one_line_error(code, err, "pd.nfg", os.strerror(errno.EACCES))


def test_file_too_large_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "pd.json"
    target.write_text(OLD)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))  # the JSON export is larger

    done = _cli("export", "prisoners_dilemma", "--to", "json", "-o", str(target),
                preexec_fn=limit)
    _one_line_error(done.returncode, done.stderr, str(target), os.strerror(errno.EFBIG),
                    "unchanged")
    assert target.read_text() == OLD
    assert _leftovers(tmp_path) == []


def test_write_error_in_the_middle_keeps_the_old_file(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "pd.nfg"
    target.write_text(OLD)

    def fail(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", fail)
    code, _, err = _export(target)
    _one_line_error(code, err, str(target), os.strerror(errno.ENOSPC))
    assert target.read_text() == OLD
    assert _leftovers(tmp_path) == []


def test_unprintable_name_stays_on_one_line(tmp_path: Path) -> None:
    code, _, err = _export(tmp_path / "no\nsuch" / "x.nfg")
    _one_line_error(code, err, "does not exist", "\\n")


# ---- every -o has --force; plots follow the same rules ---------------------------------------
def test_every_command_with_output_has_force() -> None:
    with_output = []
    for name in COMMANDS:
        command = cli.get_command(click.Context(cli), name)
        assert command is not None
        options = {opt for param in command.params for opt in param.opts}
        if "-o" in options:
            with_output.append(name)
            assert "--force" in options, name
            assert "read-only" in command.get_help(click.Context(command)), name
    assert set(with_output) == {"compare", "propositions", "sweep", "export", "report", "solve", "show",
                                "dominance", "threshold"}


SWEEP = ("sweep", "prisoners_dilemma", "--param", "T=3:6:3")


def test_plot_to_read_only_file_is_refused_before_sweeping_and_forced_keeps_mode(
        tmp_path: Path) -> None:
    plot = tmp_path / "p.png"
    plot.write_bytes(b"old")
    plot.chmod(0o444)
    code, out, err = run(*SWEEP, "--plot", str(plot))
    _one_line_error(code, err, "read-only", "--force")
    assert plot.read_bytes() == b"old" and out == ""
    code, _, err = run(*SWEEP, "--plot", str(plot), "--force", "-o", "/dev/null")
    assert code == 0, err
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert stat.S_IMODE(plot.stat().st_mode) == 0o444


def test_plot_through_a_link_to_a_device_and_no_journal_beside_a_device(tmp_path: Path) -> None:
    plot = tmp_path / "p.png"
    plot.symlink_to("/dev/null")
    code, _, err = run(*SWEEP, "--plot", str(plot), "-o", "/dev/null")
    assert code == 0, err
    assert plot.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not os.path.lexists("/dev/null.partial")  # the sweep journal goes beside files only


# ---- model paths that are not regular files ----------------------------------------------------
def test_fifo_model_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "model.yaml"
    os.mkfifo(fifo)
    done = _cli("solve", str(fifo), "--timeout", "5")  # no writer: an open() would block forever
    _one_line_error(done.returncode, done.stderr, str(fifo), "not a regular file", "'-'")


def test_device_model_is_refused() -> None:
    code, _, err = run("solve", "/dev/zero")
    _one_line_error(code, err, "/dev/zero", "not a regular file")


def test_dev_stdin_is_read_as_standard_input() -> None:
    text = _cli(*EXPORT).stdout  # the .nfg text, piped in below
    done = _cli("solve", "/dev/stdin", input=text)
    assert done.returncode == 0, done.stderr
    assert "Defect" in done.stdout


# ---- fuzz: any target kind, any name, any content ------------------------------------------------
KINDS = ("new", "regular", "read_only", "link", "dangling", "folder", "missing_folder", "null",
         "link_to_folder", "loop")
NAMES = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\0"),
                min_size=1, max_size=40).filter(lambda s: s not in (".", ".."))


def _make(root: Path, kind: str, name: str) -> Path:
    """A target of ``kind`` named ``name`` in the fresh folder ``root``."""
    target = root / f"t{name}"
    if kind in ("regular", "read_only"):
        target.write_text(OLD)
        if kind == "read_only":
            target.chmod(0o444)
    elif kind == "link":
        (root / "real-target").write_text(OLD)
        target.symlink_to("real-target")
    elif kind == "dangling":
        target.symlink_to("made-target")
    elif kind == "folder":
        target.mkdir()
    elif kind == "missing_folder":
        return root / "absent" / target.name
    elif kind == "null":
        return Path("/dev/null")
    elif kind == "link_to_folder":
        (root / "sub").mkdir()
        target.symlink_to("sub")
    elif kind == "loop":
        target.symlink_to(target.name)
    return target


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(KINDS), name=NAMES, content=st.text(max_size=300),
       force=st.booleans())
def test_fuzz_output_layer(tmp_path: Path, kind: str, name: str, content: str,
                           force: bool) -> None:
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    target = _make(root, kind, name)
    real = root / "real-target" if kind == "link" else target
    before = OLD if kind in ("regular", "read_only", "link") else None
    try:
        emit(content, str(target), force=force)
    except AllianceGamesError as exc:  # the CLI prints it as one line, exit 2
        message = str(exc)
        assert "\n" not in message and "cannot write" in message
        if before is not None:
            assert real.read_text() == before  # untouched
    else:
        if kind != "null":
            written = root / "made-target" if kind == "dangling" else real
            assert written.read_bytes() == content.encode()  # fully replaced
        assert kind not in ("folder", "missing_folder", "link_to_folder", "loop")
        assert kind != "read_only" or force
    assert [p for p in root.iterdir() if p.name.endswith(".tmp")] == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(KINDS), name=NAMES, force=st.booleans())
def test_fuzz_cli_output(tmp_path: Path, kind: str, name: str, force: bool) -> None:
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    target = _make(root, kind, name)
    code, _, err = _export(target, *(["--force"] if force else []))
    if code == 0:
        assert err.startswith("wrote ") and err.count("\n") == 1
    else:
        _one_line_error(code, err, "cannot write")


def test_no_named_file_exists_while_an_output_is_being_written(tmp_path: Path) -> None:
    """Where the system supports files without a name (Linux O_TMPFILE), a replaced output is
    written into one and named only when complete: a process killed mid-write (a long streamed
    sweep) leaves nothing beside the target. The result and the mode are as before."""
    from alliance_games.render.output_target import write_output

    target = tmp_path / "out.csv"
    target.write_text("old\n")
    target.chmod(0o640)
    seen: list[list[str]] = []

    def pieces() -> Iterator[bytes]:
        for k in range(3):
            seen.append(sorted(p.name for p in tmp_path.iterdir()))
            yield f"row {k}\n".encode()

    write_output(str(target), pieces())
    assert target.read_text() == "row 0\nrow 1\nrow 2\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
    if hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd"):
        assert all(names == ["out.csv"] for names in seen), seen


def test_a_table_printed_without_colours_is_the_text_a_highlighting_console_prints(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Standard output that is no terminal gets no highlighting (it could only add styles, which
    such a console drops): the text is the same; with colours forced, numbers are highlighted."""
    import io

    from rich.console import Console, Group
    from rich.table import Table

    table = Table("set", "value")
    table.add_row("I0:a0", "1.5, -2 (3, 4) 'q' True None")
    shown = Group("2 equilibria (method spe, 1.5, True, None, 'x', [0, 1])", table)
    expected = io.StringIO()
    Console(file=expected, width=60).print(shown)  # highlighting on, no colours
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    emit(shown, width=60)
    assert capsys.readouterr().out == expected.getvalue()
    monkeypatch.setenv("FORCE_COLOR", "1")
    emit(shown, width=60)
    assert "\x1b[1;36m2\x1b[0m equilibria" in capsys.readouterr().out
