"""Reading one e-mail: who sent it, its subject and text, its attachments; whether a machine sent it.

Only the standard library's parser (policy.default, which decodes encoded words and charsets).
Nothing here touches the database: mailroom.mailbox decides what becomes of the message.
"""

import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.utils import parseaddr
from html.parser import HTMLParser

from django.conf import settings

from portal.translation import converter

SUBJECT_MAX = 200
# A subject made of the body's first words stops at a word or a sentence, near this length.
SUBJECT_FROM_BODY = 60


class Unreadable(Exception):
    """The message cannot be turned into a case; `reason` is a ReviewItem.Reason value. The text
    never quotes the message (it goes to the review queue and to logs)."""

    def __init__(self, reason, detail=""):
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail


@dataclass
class Attachment:
    name: str
    data: bytes


@dataclass
class Parsed:
    message_id: str
    sender_name: str
    sender_email: str
    subject: str
    text: str
    language: str
    attachments: list = field(default_factory=list)
    machine: str = ""  # "bounce", "auto_reply" or "" for a person's message


def message_headers(raw):
    """(Message-ID, sender's address, subject), as far as they can be read; never fails."""
    try:
        message = message_from_bytes(raw, policy=policy.default)
        return _header(message, "Message-ID"), sender_of(message)[1], _header(message, "Subject")
    except Exception:  # noqa: BLE001 - a broken header is exactly what the review queue is for
        return "", "", ""


def parse(raw):
    """The message as a Parsed, or Unreadable (reason, redacted detail)."""
    if len(raw) > settings.MAILBOX_MAX_MESSAGE_BYTES:
        raise Unreadable("too_large", f"{len(raw)} bytes")
    try:
        message = message_from_bytes(raw, policy=policy.default)
    except Exception as error:  # noqa: BLE001 - the parser is lenient; anything it raises is a broken message
        raise Unreadable("unreadable", type(error).__name__) from error
    machine = machine_kind(message)
    sender_name, sender_email = sender_of(message)
    subject = _header(message, "Subject")
    parsed = Parsed(
        message_id=_header(message, "Message-ID"),
        sender_name=sender_name,
        sender_email=sender_email,
        subject=subject,
        text="",
        language=settings.LANGUAGE_CODE,
        machine=machine,
    )
    if machine:
        return parsed  # never filed: its body does not matter
    parsed.text = body_text(message)
    if not parsed.text and not subject:
        raise Unreadable("no_text", "no subject and no text")
    if not parsed.text:
        parsed.text = subject
    parsed.subject = (subject or first_words(parsed.text))[:SUBJECT_MAX]
    parsed.language = guess_language(f"{subject}\n{parsed.text}")
    parsed.attachments = list(attachments_of(message))
    return parsed


def _header(message, name):
    try:
        value = message.get(name)
    except Exception:  # noqa: BLE001 - a header the policy cannot parse reads as missing
        return ""
    return " ".join(str(value or "").split())


def sender_of(message):
    """(display name, address) of From, else Reply-To."""
    for name in ("From", "Reply-To"):
        try:
            header = message.get(name)
            addresses = getattr(header, "addresses", ())
        except Exception:  # noqa: BLE001
            header, addresses = None, ()
        for address in addresses:
            if address.addr_spec and "@" in address.addr_spec:
                return address.display_name.strip(), address.addr_spec.strip()
        if header:
            display, addr = parseaddr(str(header))
            if "@" in addr:
                return display.strip(), addr.strip()
    return "", ""


# --- Machines: bounces and auto-replies ----------------------------------------------------------

AUTO_SUBJECTS = re.compile(
    r"^\s*(auto(matic)?[ -]?(reply|response|answer)|out of (the )?office|vacation|away from|"
    r"autoreply|auto:|自動回覆|自动回复|自動回复|休假|不在辦公室|不在办公室|外出)",
    re.IGNORECASE,
)
BOUNCE_SENDERS = ("mailer-daemon", "postmaster")


def machine_kind(message):
    """ "bounce" for a delivery report, "auto_reply" for an automatic answer, else ""."""
    content_type = message.get_content_type()
    if content_type == "multipart/report":
        report = message.get_param("report-type", "") or ""
        return "bounce" if str(report).lower() == "delivery-status" else "auto_reply"
    _name, sender = sender_of(message)
    if sender.split("@")[0].lower() in BOUNCE_SENDERS:
        return "bounce"
    if _header(message, "Return-Path") == "<>":
        return "bounce"
    auto_submitted = _header(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return "auto_reply"
    if message.get("X-Autoreply") is not None or message.get("X-Autorespond") is not None:
        return "auto_reply"
    if _header(message, "Precedence").lower() in {"bulk", "junk", "list", "auto_reply"}:
        return "auto_reply"
    if AUTO_SUBJECTS.match(_header(message, "Subject")):
        return "auto_reply"
    return ""


# --- Text --------------------------------------------------------------------------------------


def body_text(message):
    """The text/plain part, else the text/html part as text; "" when there is none."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, ValueError, AssertionError) as error:
        raise Unreadable("unreadable", f"text part: {type(error).__name__}") from error
    if not isinstance(content, str):
        return ""
    if part.get_content_subtype() == "html":
        content = html_to_text(content)
    return _tidy(content)


def _tidy(text):
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table"}
    SKIPPED = {"script", "style", "head", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(html):
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return "\n".join(line.strip() for line in "".join(extractor.parts).split("\n"))


def first_words(text):
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(line) <= SUBJECT_FROM_BODY:
        return line
    cut = line[:SUBJECT_FROM_BODY]
    # Chinese has no spaces: stop at the last punctuation; other text at the last space.
    for mark in ("。", "，", "！", "？", ". ", ", ", " "):
        position = cut.rfind(mark)
        if position >= SUBJECT_FROM_BODY // 2:
            return cut[:position].rstrip() + "…"
    return cut + "…"


CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")


def guess_language(text):
    """zh-hant or zh-hans by the characters a Chinese text uses, en for Latin text, else the site's."""
    sample = text[:2000]
    chinese = len(CJK.findall(sample))
    if chinese >= 2:
        cjk_only = "".join(CJK.findall(sample))
        if converter("t2s").convert(cjk_only) != cjk_only:
            return "zh-hant"
        if converter("s2t").convert(cjk_only) != cjk_only:
            return "zh-hans"
        return settings.LANGUAGE_CODE
    if len(LATIN.findall(sample)) >= 10:
        return "en"
    return settings.LANGUAGE_CODE


def attachments_of(message):
    for part in message.iter_attachments():
        if part.is_multipart():
            continue
        try:
            data = part.get_payload(decode=True) or b""
        except Exception:  # noqa: BLE001 - an undecodable part is refused like an unreadable file
            data = b""
        name = part.get_filename() or ""
        yield Attachment(name=" ".join(name.split())[:200] or "attachment", data=data)
