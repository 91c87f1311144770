"""The mailbox against a real IMAP server: Dovecot (Debian package dovecot-imapd), started here with
a throw-away configuration (a test user with a plaintext password, maildir in a temporary folder,
127.0.0.1 on a free port, no TLS). Skipped, saying why, where the dovecot binary is missing."""

import getpass
import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from imapclient import IMAPClient

from casework.models import Case, Channel, OutboxMessage
from mailroom import mailbox
from mailroom.models import MailboxState, ProcessedMessage, ReviewItem
from tests.factories import PNG

from .mail import bounce, citizen_mail, out_of_office

pytestmark = pytest.mark.django_db

DOVECOT = shutil.which("dovecot", path=os.environ.get("PATH", "") + ":/usr/sbin:/usr/local/sbin")
USER, PASSWORD = "complaints", "test-password-2026"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _account(*names):
    return next((name for name in names if _exists(name)), None)


def _exists(name):
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _configuration(root, port):
    """Dovecot refuses to run its login process, or to open a mailbox, as root: under root the
    package's own accounts log in and "nobody" owns the mail; otherwise everything runs as the
    current user, without the chroot only root can make."""
    as_root = os.geteuid() == 0
    if as_root:
        login_user = _account("dovenull", "nobody")
        internal_user = _account("dovecot", "nobody")
        mail_user = "nobody"
        internal_group = grp.getgrgid(pwd.getpwnam(internal_user).pw_gid).gr_name
        mail_group = grp.getgrgid(pwd.getpwnam(mail_user).pw_gid).gr_name
        chroot = ""
    else:
        login_user = internal_user = mail_user = getpass.getuser()
        internal_group = mail_group = grp.getgrgid(pwd.getpwnam(mail_user).pw_gid).gr_name
        chroot = "chroot ="
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    mail = root / "mail"
    mail.mkdir()
    if as_root:
        shutil.chown(mail, user=mail_user, group=mail_group)
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = mailroom-test-{port}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
mail_location = maildir:{mail}/%u
log_path = {root}/dovecot.log
first_valid_uid = 1
first_valid_gid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={mail}/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  {chroot}
}}
service anvil {{
  {chroot}
}}
"""


@pytest.fixture
def dovecot(settings):
    if DOVECOT is None:
        pytest.skip("needs Dovecot's IMAP server (Debian package dovecot-imapd): no dovecot binary found")
    # Not pytest's tmp_path: its parent folders are private to the current user, and under root the
    # mail and auth processes run as other accounts that must reach the files.
    root = Path(tempfile.mkdtemp(prefix="mailroom-dovecot-"))
    root.chmod(0o755)
    port = _free_port()
    config = root / "dovecot.conf"
    config.write_text(_configuration(root, port))
    server = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _wait_for_login(port, server, root)
        settings.MAILBOX_IMAP_HOST = "127.0.0.1"
        settings.MAILBOX_IMAP_PORT = port
        settings.MAILBOX_IMAP_SSL = False
        settings.MAILBOX_IMAP_STARTTLS = False
        settings.MAILBOX_IMAP_USER = USER
        settings.MAILBOX_IMAP_PASSWORD = PASSWORD
        settings.MAILBOX_FOLDER = "INBOX"
        settings.MAILBOX_PROCESSED_FOLDER = ""
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(root, ignore_errors=True)


def _wait_for_login(port, server, root):
    deadline = time.monotonic() + 20
    while True:
        if server.poll() is not None:
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            pytest.fail(f"dovecot stopped: {server.stderr.read().decode()} {log}")
        try:
            with IMAPClient("127.0.0.1", port=port, ssl=False, timeout=2) as client:
                client.login(USER, PASSWORD)
                return
        except Exception:  # noqa: BLE001 - not up yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def deliver(port, *messages, folder="INBOX"):
    with IMAPClient("127.0.0.1", port=port, ssl=False) as client:
        client.login(USER, PASSWORD)
        for raw in messages:
            client.append(folder, raw)


def folder_state(port, folder="INBOX"):
    with IMAPClient("127.0.0.1", port=port, ssl=False) as client:
        client.login(USER, PASSWORD)
        if not client.folder_exists(folder):
            return 0, 0
        client.select_folder(folder, readonly=True)
        return len(client.search(["ALL"])), len(client.search(["UNSEEN"]))


def test_new_mail_becomes_cases_answered_by_email_and_a_second_poll_files_nothing(dovecot):
    deliver(
        dovecot,
        citizen_mail(attachments=[("現場.png", PNG, "image", "png")]),
        citizen_mail(
            subject="Broken bench",
            text="The bench in Central Park is broken.",
            sender="Ann Lee <ann@example.com>",
            message_id="<ann.1@example.com>",
        ),
        bounce(),
        out_of_office(),
        b"From: x@example.net\r\nMessage-ID: <empty@x>\r\n\r\n",
    )

    outcomes = mailbox.poll()

    assert outcomes == {"filed": 2, "bounce": 1, "auto_reply": 1, "review": 1}
    cases = {case.citizen_email: case for case in Case.objects.all()}
    assert set(cases) == {"wang@example.net", "ann@example.com"}
    assert all(case.channel == Channel.EMAIL for case in cases.values())
    assert cases["wang@example.net"].attachments.count() == 1
    assert cases["ann@example.com"].language == "en"
    answered = OutboxMessage.objects.filter(template=mailbox.ACKNOWLEDGEMENT)
    assert sorted(answered.values_list("address", flat=True)) == ["ann@example.com", "wang@example.net"]
    assert ReviewItem.objects.get().reason == ReviewItem.Reason.NO_TEXT
    assert folder_state(dovecot) == (5, 0), "every message handled is flagged as read, none deleted"
    assert MailboxState.objects.get().last_success_at is not None

    # The same messages again (a client marked them unread): already processed, nothing new.
    with IMAPClient("127.0.0.1", port=dovecot, ssl=False) as client:
        client.login(USER, PASSWORD)
        client.select_folder("INBOX")
        client.remove_flags(client.search(["ALL"]), [b"\\Seen"])

    assert mailbox.poll() == {"duplicate": 5}
    assert Case.objects.count() == 2
    assert ProcessedMessage.objects.count() == 5
    assert folder_state(dovecot) == (5, 0)


def test_handled_mail_moves_to_the_processed_folder_when_one_is_set(dovecot, settings):
    settings.MAILBOX_PROCESSED_FOLDER = "Processed"
    deliver(dovecot, citizen_mail())

    assert mailbox.poll() == {"filed": 1}

    assert folder_state(dovecot) == (0, 0)
    assert folder_state(dovecot, "Processed") == (1, 0)


def test_a_crash_after_the_commit_leaves_the_message_unseen_and_the_next_poll_files_nothing(
    dovecot, monkeypatch
):
    deliver(dovecot, citizen_mail())

    def crash(client, uid):
        raise ConnectionResetError("connection lost before the flag")

    with monkeypatch.context() as patched:
        patched.setattr(mailbox, "_done_with", crash)
        assert mailbox.poll() is None
    assert Case.objects.count() == 1
    assert folder_state(dovecot) == (1, 1)

    assert mailbox.poll() == {"duplicate": 1}
    assert Case.objects.count() == 1
    assert folder_state(dovecot) == (1, 0)


def test_a_wrong_password_is_an_outage_recorded_without_the_account(dovecot, settings, caplog):
    settings.MAILBOX_IMAP_PASSWORD = "wrong"

    assert mailbox.poll() is None

    state = MailboxState.objects.get()
    assert state.last_error.startswith("LoginError")
    assert state.last_success_at is None
    assert "wrong" not in caplog.text
