"""A case that came by letter, whose reply waits in the post room (Reception office → Post room)."""

from django.contrib.auth import get_user_model

from casework import workflow
from casework.models import Category, Channel, OutboxMessage
from notifications import outbox
from notifications.models import Letter

LETTER_CASE = {
    "category": Category.INQUIRY,
    "subject": "詢問老人乘車優惠卡申請方式",
    "content": "家父年滿六十五歲，想申請敬老乘車卡，請問應備哪些文件、到哪裡辦理？（來信）",
    "citizen_name": "張秀英",
    "citizen_address": "臺北市萬華區西園路二段100號\n5樓",
}


def load_letters():
    """Once: register the letter and answer it; the receipt and the reply go to the post room."""
    if Letter.objects.exists():
        return
    intake = get_user_model().objects.filter(username="intake").first()
    if intake is None:
        return
    case, _code = workflow.register_case(actor=intake, channel=Channel.LETTER, **LETTER_CASE)
    workflow.answer_directly(
        case,
        intake,
        "敬老乘車卡請令尊攜帶身分證及一吋照片一張，至戶籍所在地區公所社會課辦理，當場即可領卡。",
    )
    # Delivered now rather than by the worker, so the post room shows it right after loading.
    outbox.deliver_due(
        message_ids=list(
            OutboxMessage.objects.filter(case=case, channel=OutboxMessage.Channel.LETTER).values_list(
                "pk", flat=True
            )
        )
    )
