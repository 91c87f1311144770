"""The demo's citizen account: signed in at /accounts/login/, it shows two cases in My appeals."""

from django.contrib.auth import get_user_model

from casework import workflow
from casework.models import Category, Channel
from citizen_accounts import links
from citizen_accounts.models import CaseLink

from .cases import DEMO_PASSWORD

CITIZEN_EMAIL = "citizen@example.org"


def load_citizen():
    """The citizen, once, with a case filed while signed in and an earlier one added by its code,
    which waits for information the citizen can send from My appeals. Returns the e-mail address."""
    if get_user_model().objects.filter(email=CITIZEN_EMAIL).exists():
        return CITIZEN_EMAIL
    account = links.new_citizen(CITIZEN_EMAIL, DEMO_PASSWORD, phone="+886912345678", phone_verified=True)
    filed, _code = workflow.register_case(
        actor=None,
        channel=Channel.WEB,
        category=Category.SUGGESTION,
        subject="公園增設遮陽棚",
        content="建議在大安森林公園兒童遊戲區增設遮陽棚，夏天午後太熱，孩子無法使用遊具。",
        citizen_name="陳美玲",
        citizen_email=CITIZEN_EMAIL,
        reply_channel=Channel.WEB,
    )
    links.link(account, filed, CaseLink.How.FILED)
    earlier, _code = workflow.register_case(
        actor=None,
        channel=Channel.WEB,
        category=Category.COMPLAINT,
        subject="人行道地磚破損",
        content="和平東路二段人行道地磚破損翹起，已有長者絆倒。",
        citizen_name="陳美玲",
        citizen_email=CITIZEN_EMAIL,
        reply_channel=Channel.EMAIL,
    )
    intake = get_user_model().objects.filter(username="intake").first()
    if intake is not None:
        workflow.request_information(
            earlier, intake, "請提供破損地磚的確切位置（門牌號碼或附近地標）及照片。"
        )
    links.link(account, earlier, CaseLink.How.CLAIMED)
    return CITIZEN_EMAIL
