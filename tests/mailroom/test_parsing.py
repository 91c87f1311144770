"""What the mailbox reads of an e-mail: sender, subject, text, language, attachments; and which
e-mails a machine sent (bounces, automatic replies), which are never filed."""

import pytest

from mailroom import parsing
from tests.factories import PNG

from .mail import bounce, citizen_mail, out_of_office


def test_a_plain_message_gives_its_sender_subject_text_and_language():
    parsed = parsing.parse(citizen_mail())

    assert parsed.sender_name == "王小明"
    assert parsed.sender_email == "wang@example.net"
    assert parsed.subject == "路燈故障"
    assert "中山路三段的路燈" in parsed.text
    assert parsed.language == "zh-hant"
    assert parsed.machine == ""
    assert parsed.message_id == "<20260302.1@mail.example.net>"


def test_an_html_only_message_is_read_as_text_without_its_markup_or_styles():
    html = (
        "<html><head><style>p{color:red}</style></head><body>"
        "<p>Dear office,</p><p>The bus stop on <b>Park Road</b> has no shelter &amp; no bench.</p>"
        "<script>alert(1)</script></body></html>"
    )
    parsed = parsing.parse(citizen_mail(subject="Bus stop", text=None, html=html, sender="ann@example.com"))

    assert parsed.text == "Dear office,\n\nThe bus stop on Park Road has no shelter & no bench."
    assert parsed.language == "en"


def test_the_plain_part_of_an_alternative_message_wins_over_its_html():
    parsed = parsing.parse(citizen_mail(text="純文字內容在此", html="<p>HTML 內容</p>"))

    assert parsed.text == "純文字內容在此"


def test_an_encoded_word_subject_in_simplified_chinese_is_decoded_and_the_language_guessed():
    raw = (
        b"From: =?UTF-8?B?5p2O5Zub?= <li@example.cn>\r\n"
        b"Subject: =?UTF-8?B?5YWz5LqO5bCP5Yy65YGc6L2m6Zeu6aKY?=\r\n"
        b"Message-ID: <gb.1@example.cn>\r\n"
        b"Content-Type: text/plain; charset=gb2312\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
    ) + __import__("base64").encodebytes("小区门口每天晚上乱停车，请处理。".encode("gb2312"))

    parsed = parsing.parse(raw)

    assert parsed.subject == "关于小区停车问题"
    assert parsed.sender_name == "李四"
    assert parsed.text == "小区门口每天晚上乱停车，请处理。"
    assert parsed.language == "zh-hans"


def test_without_a_subject_the_first_words_of_the_text_become_one():
    text = "我家門口的排水溝堵塞了，每次下雨就淹水，已經通報過兩次都沒有人來處理，希望這次可以派人來看看並且清理乾淨，也請檢查附近其他的排水溝是否同樣堵塞。"
    parsed = parsing.parse(citizen_mail(subject=None, text=text))

    assert parsed.subject.startswith("我家門口的排水溝堵塞了")
    assert len(parsed.subject) <= parsing.SUBJECT_FROM_BODY + 1
    assert parsed.subject.endswith("…")


def test_attachments_come_with_their_names_and_bytes():
    parsed = parsing.parse(
        citizen_mail(attachments=[("路燈.png", PNG, "image", "png"), ("note.txt", b"hello", "text", "plain")])
    )

    assert [(a.name, a.data) for a in parsed.attachments] == [("路燈.png", PNG), ("note.txt", b"hello")]


@pytest.mark.parametrize(
    "raw",
    [
        bounce(),
        citizen_mail(sender="MAILER-DAEMON@mx.example.net", message_id="<b2@mx>"),
        citizen_mail(headers={"Return-Path": "<>"}),
    ],
    ids=["delivery-status report", "mailer-daemon", "empty return path"],
)
def test_bounces_are_recognised(raw):
    assert parsing.parse(raw).machine == "bounce"


@pytest.mark.parametrize(
    "raw",
    [
        out_of_office(),
        out_of_office(**{"X-Autoreply": "yes"}),
        out_of_office(Precedence="bulk"),
        citizen_mail(subject="Out of Office: your message", text="I am away until Monday."),
        citizen_mail(subject="自动回复：您的来信", text="谢谢"),
    ],
    ids=["auto-submitted", "x-autoreply", "precedence bulk", "out of office subject", "自动回复"],
)
def test_automatic_replies_are_recognised(raw):
    assert parsing.parse(raw).machine == "auto_reply"


def test_auto_submitted_no_is_a_person_writing():
    assert parsing.parse(citizen_mail(headers={"Auto-Submitted": "no"})).machine == ""


def test_a_message_without_subject_or_text_cannot_be_filed():
    with pytest.raises(parsing.Unreadable) as caught:
        parsing.parse(citizen_mail(subject=None, text=None, attachments=[("a.png", PNG, "image", "png")]))
    assert caught.value.reason == "no_text"


def test_a_text_in_an_unknown_charset_cannot_be_read():
    raw = (
        b"From: a@example.net\r\nSubject: x\r\nMessage-ID: <c@x>\r\n"
        b"Content-Type: text/plain; charset=x-no-such-charset\r\n\r\n\xff\xfe\xfa"
    )
    with pytest.raises(parsing.Unreadable) as caught:
        parsing.parse(raw)
    assert caught.value.reason == "unreadable"
    assert "a@example.net" not in str(caught.value)


def test_a_message_over_the_size_limit_is_not_parsed(settings):
    settings.MAILBOX_MAX_MESSAGE_BYTES = 1000
    with pytest.raises(parsing.Unreadable) as caught:
        parsing.parse(citizen_mail(text="長" * 1000))
    assert caught.value.reason == "too_large"
