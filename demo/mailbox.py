"""Demo complaint mailbox: two citizens' e-mails taken in as cases (one with a photo, one in
English) and one that cannot be read, waiting in the review queue; no IMAP server needed, the
messages go through the same intake as polled ones. Safe to re-run: the Message-IDs are known."""

import io
from email.message import EmailMessage

from mailroom import mailbox

DEMO_MAILBOX = "demo-mailbox"


def _photo():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 160, 40)).save(out, "JPEG")
    return out.getvalue()


def _message(sender, subject, text, message_id, attachment=None):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "appeals@example.org"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message.set_content(text)
    if attachment:
        name, data = attachment
        message.add_attachment(data, maintype="image", subtype="jpeg", filename=name)
    return message.as_bytes()


def messages():
    return [
        _message(
            "林美玲 <meiling.lin@example.net>",
            "信義路人行道破損",
            "信義路四段 120 號前的人行道磚塊鬆脫，已有長者絆倒，請盡快派人修補。附上現場照片。",
            "<demo-mailbox-1@example.net>",
            ("人行道.jpg", _photo()),
        ),
        _message(
            "David Chen <david.chen@example.com>",
            "Noise from night-time construction",
            "The construction site on Keelung Road works past 11 pm every night. Please ask them to "
            "respect the permitted hours.",
            "<demo-mailbox-2@example.com>",
        ),
        # A mail program that named a charset nobody knows: the text cannot be decoded.
        (
            b"From: =?UTF-8?B?6Zmz5bCP5aeQ?= <chen.xj@example.org>\r\n"
            b"To: appeals@example.org\r\n"
            b"Subject: =?UTF-8?B?5YWs5ZyS5rGg5aGY?=\r\n"
            b"Message-ID: <demo-mailbox-3@example.org>\r\n"
            b"Content-Type: text/plain; charset=x-mac-unknown\r\n\r\n"
        )
        + "公園的水池很久沒有清理，有異味。".encode(),
    ]


def load_mailbox():
    return [mailbox.take_in(raw, mailbox=DEMO_MAILBOX) for raw in messages()]
