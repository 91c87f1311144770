"""E-mails as a citizen's mail program, a mail server's bounce or an out-of-office reply write them."""

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

SENT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def citizen_mail(
    subject="路燈故障",
    text="中山路三段的路燈已經壞了兩個星期，晚上非常危險，請儘快修理。",
    *,
    sender="王小明 <wang@example.net>",
    message_id="<20260302.1@mail.example.net>",
    html=None,
    attachments=(),
    headers=None,
):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "appeals@example.org"
    if subject is not None:
        message["Subject"] = subject
    message["Date"] = format_datetime(SENT)
    if message_id:
        message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    if text is not None:
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    for name, data, maintype, subtype in attachments:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def bounce(message_id="<bounce.1@mx.example.net>"):
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\n"
        "To: appeals@example.org\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: {message_id}\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n'
        "\r\n"
        "--b1\r\n"
        "Content-Type: text/plain\r\n\r\n"
        "The mail system could not deliver your message to wang@example.net.\r\n"
        "--b1\r\n"
        "Content-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.net\r\n\r\n"
        "Final-Recipient: rfc822; wang@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "--b1--\r\n"
    ).encode()


def out_of_office(message_id="<ooo.1@mail.example.net>", **headers):
    return citizen_mail(
        subject="自動回覆：路燈故障",
        text="我正在休假，3 月 9 日回來。",
        message_id=message_id,
        headers=headers or {"Auto-Submitted": "auto-replied"},
    )
