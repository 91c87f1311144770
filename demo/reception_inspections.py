"""Demo rows of inspections and external supervision: an inspection with one verified and one open
finding, published; a third-party evaluation; suggestions (one handled); questionnaires sent to the
citizens of recently closed cases, some answered; and the two portal pages. Re-running adds nothing."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from casework.models import Department
from portal.disclosure import DisclosureIndexPage
from portal.external_supervision import InspectionReportsPage, SuggestionBoxPage
from portal.localization import ensure_locales
from reception import inspections, suggestions
from reception.models import Inspection, InspectionFinding, Questionnaire, Suggestion, ThirdPartyEvaluation

from .site import add_page, learn

SUGGESTION_PAGE = {
    "title": ("意見箱", "Suggestion box"),
    "intro": (
        "歡迎就本中心的接待服務提出意見和建議，例如接待時間、環境、指引及工作人員的態度。"
        "如需就個人事項提出訴求，請使用網上訴求表格。",
        "Tell us how we can improve our reception service: opening hours, the reception room, "
        "guidance, our staff. For an appeal about your own matter, please use the online appeal form.",
    ),
}
INSPECTION_PAGE = {
    "title": ("監督檢查整改情況", "Rectification of inspection findings"),
    "intro": (
        "督查小組定期檢查本中心的接待及訴求處理工作。以下公開每次檢查發現的問題及整改情況。",
        "The supervision group regularly inspects our reception and appeal handling. Here we publish "
        "what each inspection found and what was put right.",
    ),
}


def _page(parent, model, slug, texts, locales, **extra):
    for zh, en in texts.values():
        learn(zh, en)
    return add_page(
        parent,
        model,
        slug,
        locales,
        title=texts["title"][0],
        intro=texts["intro"][0],
        **extra,
    )


def load_pages(home):
    locales = ensure_locales()
    box = _page(home, SuggestionBoxPage, "suggestions", SUGGESTION_PAGE, locales, show_in_menus=True)
    parent = DisclosureIndexPage.objects.child_of(home).first() or home
    reports = _page(parent, InspectionReportsPage, "inspections", INSPECTION_PAGE, locales)
    return box, reports


def load_inspection(today):
    if Inspection.objects.exists():
        return Inspection.objects.first()
    User = get_user_model()
    departments = list(Department.objects.order_by("pk")[:2])
    if not departments:
        return None
    inspection = Inspection.objects.create(
        date=today - timedelta(days=40),
        title="第一季接待工作檢查",
        outside_inspectors="陳志明（市民代表）",
        scope="接待室服務、來訪登記表的填寫、訴求分流時限及回訪紀錄。",
        published=True,
        public_summary="督查小組抽查了三十宗來訪登記及二十宗網上訴求，發現兩項需要整改的問題。",
    )
    inspection.inspectors.set(User.objects.filter(username__in=("supervisor", "manager")))
    InspectionFinding.objects.create(
        inspection=inspection,
        sort_order=0,
        description="部分來訪登記表缺少來訪人確認簽名。",
        rectification_required="補全登記表並在登記流程中加入確認步驟。",
        department=departments[0],
        deadline=today - timedelta(days=20),
        action_taken="已補全相關登記表，並於登記畫面加入來訪人確認欄。",
        rectified_on=today - timedelta(days=25),
        verified_on=today - timedelta(days=18),
    )
    InspectionFinding.objects.create(
        inspection=inspection,
        sort_order=1,
        description="個別網上訴求的分流超出時限。",
        rectification_required="檢討分流排班，確保於時限內分流。",
        department=departments[-1],
        deadline=today - timedelta(days=5),
    )
    return inspection


def load_evaluation(today):
    if ThirdPartyEvaluation.objects.exists():
        return
    ThirdPartyEvaluation.objects.create(
        evaluator="澳門大學社會調查中心",
        period_start=today.replace(month=1, day=1) - timedelta(days=365),
        period_end=today.replace(month=1, day=1) - timedelta(days=1),
        summary="市民對接待服務整體滿意；建議延長週末接待時間及增加網上預約。",
        score=86.5,
        max_score=100,
    )


def load_suggestions():
    if Suggestion.objects.exists():
        return
    suggestions.file_suggestion("接待室的座位不足，等候時間較長，建議增加座位。", language="zh-hant")
    suggestions.file_suggestion(
        "Please show the expected waiting time at the reception desk.",
        contact="visitor@example.org",
        language="en",
    )
    handled = suggestions.file_suggestion("希望在網站上提供接待室的交通指引。", language="zh-hant")
    supervisor = get_user_model().objects.filter(username="supervisor").first()
    suggestions.mark_suggestion_handled(handled, supervisor, "已在接待頁面加入交通指引。")


RATINGS = [(5, 4, 5, 5), (4, 4, 3, 5), (3, 2, 3, 4), (5, 5, 4, 5), (2, 3, 2, 3)]


def load_questionnaires(today):
    """The questionnaire round as the daily task runs it, over the last months' closures; then some
    answers, as citizens would give them."""
    day = today - timedelta(days=180)
    while day <= today:
        inspections.send_questionnaires(day)
        day += timedelta(days=inspections.CATCH_UP_DAYS)
    inspections.send_questionnaires(today)
    unanswered = list(Questionnaire.objects.filter(answered_at__isnull=True).order_by("pk"))
    if Questionnaire.objects.filter(answered_at__isnull=False).exists():
        return
    for questionnaire, ratings in zip(unanswered[::2], RATINGS, strict=False):
        values = dict(zip([name for name, _label in inspections.QUESTIONS], ratings, strict=True))
        inspections.answer_questionnaire(
            inspections.make_token(questionnaire),
            values,
            "服務很好。" if ratings[0] >= 4 else "等候時間太長。",
            now=questionnaire.sent_at + timedelta(days=1),
        )


def load_external_supervision(home, today=None):
    today = today or timezone.localdate()
    load_pages(home)
    load_inspection(today)
    load_evaluation(today)
    load_suggestions()
    load_questionnaires(today)
