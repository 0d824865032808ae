"""setup/common.sh: finding a source-checkout Odoo; is a port taken?"""

import os
import socket
import subprocess
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMON = ROOT / "setup" / "common.sh"


def bash(script, **env):
    """Run ``script`` after sourcing common.sh; returns (exit status, stdout)."""
    done = subprocess.run(
        ["bash", "-c", f'source "{COMMON}"\n{script}'],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], **env},
        check=False,
    )
    return done.returncode, done.stdout


def fake_checkout(tmp_path):
    """A source checkout's shape: odoo-bin (not executable) beside odoo/ and addons/,
    and a 'Python' that runs odoo-bin only (it cannot import odoo by itself)."""
    root = tmp_path / "src" / "odoo"
    (root / "odoo" / "addons" / "base").mkdir(parents=True)
    (root / "odoo" / "release.py").write_text("version = '18.0'\n")
    (root / "addons" / "web").mkdir(parents=True)
    (root / "odoo-bin").write_text("# odoo-bin\n")
    python = tmp_path / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(
        textwrap.dedent("""\
        #!/bin/sh
        case "$1" in
            */odoo-bin) echo "Odoo Server 18.0-20250506" ;;
            *) echo "ModuleNotFoundError: No module named 'odoo'" >&2; exit 1 ;;
        esac
        """)
    )
    python.chmod(0o755)
    return root, python


def in_checkout(tmp_path, script):
    """Run ``script`` with ODOO_BIN='<python> <root>/odoo-bin' of a fake checkout."""
    root, python = fake_checkout(tmp_path)
    return root, python, *bash(script, ODOO_BIN=f"{python} {root}/odoo-bin")


def test_source_checkout_root_and_addons_path(tmp_path):
    root, python, status, out = in_checkout(
        tmp_path,
        'find_odoo || { echo "missing: $ODOO_MISSING"; exit 1; }\n'
        'echo "$ODOO_ROOT"; echo "$ODOO_PY"; echo "$ODOO_ADDONS_PATH"',
    )
    assert status == 0, out
    odoo_root, odoo_py, addons_path = out.splitlines()
    assert odoo_root == str(root)
    assert odoo_py == str(python)
    assert addons_path.split(",") == [
        f"{root}/odoo/addons",
        f"{root}/addons",
        str(ROOT),
    ]


def test_odoo_py_puts_the_checkout_on_pythonpath(tmp_path):
    _root, _python, status, out = in_checkout(
        tmp_path,
        "find_odoo || exit 1\n"
        'ODOO_PY=python3 odoo_py -c "import odoo.release; print(odoo.release.version)"',
    )
    assert (status, out.strip()) == (0, "18.0")


def test_not_odoo_18_is_refused(tmp_path):
    root, python = fake_checkout(tmp_path)
    python.write_text('#!/bin/sh\necho "Odoo Server 17.0"\n')
    status, out = bash(
        'find_odoo && exit 0; echo "$ODOO_MISSING"; exit 1',
        ODOO_BIN=f"{python} {root}/odoo-bin",
    )
    assert status == 1
    assert "not Odoo 18.0" in out


def test_port_in_use():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert bash(f"port_in_use {port}")[0] == 0
    assert bash(f"port_in_use {port}")[0] == 1


def test_queue_job_offline_is_said_not_hidden(tmp_path):
    """No network: pip fails, fetch_queue_job returns 1 and says why."""
    python = tmp_path / "python"
    python.write_text('#!/bin/sh\necho "ERROR: No matching distribution" >&2\nexit 1\n')
    python.chmod(0o755)
    status, out = bash(
        f'ODOO_PY={python}; fetch_queue_job "{tmp_path}/qj" && exit 0; '
        'echo "$QUEUE_JOB_MISSING"; exit 1'
    )
    assert status == 1
    assert "No matching distribution" in out and "odoo-addon-queue-job==18.0" in out


def test_queue_job_from_a_given_folder(tmp_path):
    status, out = bash(
        'fetch_queue_job "$1/qj" && echo "$QUEUE_JOB_ADDONS_PATH"',
        QUEUE_JOB_ADDONS_PATH=str(tmp_path),
    )
    assert status == 1, "no queue_job/ in the folder"
    (tmp_path / "queue_job").mkdir()
    (tmp_path / "queue_job" / "__manifest__.py").write_text("{}\n")
    status, out = bash(
        'fetch_queue_job /nonexistent && echo "$QUEUE_JOB_ADDONS_PATH"',
        QUEUE_JOB_ADDONS_PATH=str(tmp_path),
    )
    assert (status, out.strip()) == (0, str(tmp_path))
