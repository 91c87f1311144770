"""Demo staff assessment: last month's scorecards for the demo reception officer, handler and
department. The administrator prepared them; the manager reviewed and froze the officer's, with a
reward, and finds the other two waiting for review. Once."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from casework.models import Department
from reception import assessment
from reception.models import Scorecard, SubjectKind

from .cases import DEMO_DEPARTMENT

MANUAL_SCORES = {
    "officer-inspection": (90, "監督小組檢查：登記表填寫完整，一處附件未歸檔，已當場整改。"),
    "officer-training": (100, "已完成年度接待禮儀及法規課程，考試成績 92 分。"),
    "handler-training": (80, "年度培訓完成四門課程中的三門。"),
}


def _manual(preparer, card):
    for line in card.lines.filter(method="manual"):
        if line.code in MANUAL_SCORES:
            score, comment = MANUAL_SCORES[line.code]
            assessment.enter_score(preparer, card, line.pk, score, comment)


def load_assessment(today=None):
    if Scorecard.objects.exists():
        return
    User = get_user_model()
    admin, manager = User.objects.get(username="admin"), User.objects.get(username="manager")
    last_month = (today or timezone.localdate()).replace(day=1) - timedelta(days=1)

    def card(kind, user=None, department=None):
        made = assessment.create_scorecard(
            admin,
            Scorecard.Period.MONTH,
            last_month.year,
            last_month.month,
            kind,
            subject_user=user,
            department=department,
            today=today,
        )
        _manual(admin, made)
        return made

    officer = card(SubjectKind.OFFICER, User.objects.get(username="intake"))
    card(SubjectKind.HANDLER, User.objects.get(username="handler"))
    card(SubjectKind.DEPARTMENT, department=Department.objects.get(code=DEMO_DEPARTMENT))
    officer = assessment.freeze(manager, officer, "考核結果屬實，同意。")
    assessment.record_decision(
        manager,
        officer,
        kind="reward",
        reason="本月接待登記及時、分流準確，民眾滿意度高，予以通報表揚。",
        decided_by="公民接待辦公室主任辦公會議",
        decided_on=timezone.localdate() if today is None else today,
    )
