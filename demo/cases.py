"""Demo staff: one account per role, created once and left alone afterwards."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from casework import deadlines, roles, supervision, time_limits, workflow
from casework.models import (
    OPEN_STATUSES,
    AnalysisReport,
    Case,
    Category,
    Channel,
    CoHandling,
    Department,
    DepartmentMembership,
    RectificationMeasure,
    ReplyTemplate,
    SLAState,
    StageLimits,
    Status,
    SupervisionNotice,
    Visit,
)
from casework.workflow.batch import save_batch
from reporting import analysis

from .disclosure import last_quarter
from .synthetic import ANCHORS, SYNTHETIC_FUTURE_DAYS, SYNTHETIC_PAST_DAYS, Synthesiser

DEMO_PASSWORD = "demo-password-2026"

DEMO_STAFF = [
    # username, role, first name, last name
    ("admin", roles.ADMINISTRATOR, "系統", "管理員"),
    ("editor", roles.EDITOR, "網站", "編輯"),
    ("intake", roles.INTAKE_OFFICER, "接待", "人員"),
    ("handler", roles.HANDLER, "承辦", "人"),
    ("reviewer", roles.REVIEWER, "審核", "人"),
    ("supervisor", roles.SUPERVISOR, "督辦", "人員"),
    ("manager", roles.MANAGER, "管理", "層"),
    ("auditor", roles.AUDITOR, "稽核", "人員"),
]


def load_staff(root_page=None, stdout=None):
    groups = roles.ensure_role_groups(root_page=root_page)
    User = get_user_model()
    accounts = []
    for username, role, first_name, last_name in DEMO_STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.org",
                "is_staff": role == roles.ADMINISTRATOR,
                "is_superuser": role == roles.ADMINISTRATOR,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(groups[role])
        accounts.append((username, role))
    return accounts


# --- Departments, calendar, templates, cases and visits ----------------------------------------

DEPARTMENTS = [
    # code, name, parent code
    ("city", "市政府", None),
    ("epb", "環境保護局", "city"),
    ("dot", "交通局", "city"),
    ("pwd", "工務局", "city"),
    ("social", "社會局", "city"),
    ("civil", "民政局", "city"),
    ("edu", "教育局", "city"),
    ("health", "衛生局", "city"),
    ("police", "警察局", "city"),
]
DEMO_DEPARTMENT = "epb"

REPLY_TEMPLATES = [
    ("inquiry", "一般咨詢答復", "您好，關於您詢問的事項，說明如下：\n\n如有其他問題，歡迎來電本中心。"),
    ("complaint", "投訴查處結果", "您好，您反映的事項經本府派員查處，結果如下：\n\n感謝您的反映。"),
    ("suggestion", "建議採納情形", "您好，感謝您的寶貴建議。經評估，辦理情形如下：\n\n"),
    ("help", "求助協處情形", "您好，關於您的求助，本府已協調相關資源：\n\n"),
    ("other", "一般答復", "您好，謝謝您的來信。\n\n"),
]

DEMO_VISITS = [
    (2, "林大同、林小美", "0922000111", "社區道路坑洞多次反映未改善", "已登記並說明處理流程，轉工務局辦理"),
    (1, "陳阿土", "0933111222", "詢問中低收入老人生活津貼申請", "當場說明申請文件，已直接答復"),
    (5, "黃里長等五人", "0911222333", "反映垃圾轉運站異味", "已登記並安排環保局說明會"),
    (1, "張美華", "", "詢問戶籍遷入程序", "當場答復"),
]
# The rest of each demo visit's register (《公民來訪登記表》), by the visitors' names.
DEMO_VISIT_DETAILS = {
    "林大同、林小美": {
        "phone": "0922-000-111",
        "email": "lin.datong@example.org",
        "address": "臺北市中山區民權東路二段88號",
        "materials_provided": "坑洞照片6張\n里辦公處陳情書影本",
        "visitor_confirmed": True,
        "opens_complaint": "民權東路社區道路坑洞未修補",
    },
    "陳阿土": {
        "phone": "0933-111-222",
        "address": "臺北市萬華區西園路一段150號",
        "materials_provided": "戶口名簿影本",
        "visitor_confirmed": True,
    },
    "黃里長等五人": {
        "phone": "02-2301-4567",
        "address": "臺北市內湖區舊宗路一段20號（里辦公處）",
        "materials_provided": "連署書（42人簽名）\n異味發生時段紀錄表",
        "visitor_confirmed": True,
    },
    "張美華": {"address": "新北市板橋區文化路一段1號"},
}
# The complaint register's evidence of the synthetic complaints registered by staff, in turn.
DEMO_EVIDENCE = [
    "現場照片3張",
    "收據影本1份",
    "錄音檔（隨身碟）1份",
    "往來信件影本2份",
]


# Cases received this month, whatever the day: the other cases' dates are set by their deadlines,
# so in the first days of a month (or on 1 January) none of them may fall in it, and this month's
# dashboard and assessment would be empty. (status, department code)
THIS_MONTH_CASES = [
    (Status.RECEIVED, None),
    (Status.ROUTED, DEMO_DEPARTMENT),
    (Status.IN_PROGRESS, DEMO_DEPARTMENT),
    (Status.IN_PROGRESS, DEMO_DEPARTMENT),
    (Status.ROUTED, "dot"),
    (Status.IN_PROGRESS, "social"),
]


def load_departments():
    departments = {}
    for code, name, parent in DEPARTMENTS:
        department, _created = Department.objects.get_or_create(
            code=code, defaults={"name": name, "parent": departments.get(parent)}
        )
        departments[code] = department
    User = get_user_model()
    demo = departments[DEMO_DEPARTMENT]
    for username, role in (("handler", "handler"), ("reviewer", "reviewer")):
        user = User.objects.filter(username=username).first()
        if user:
            DepartmentMembership.objects.get_or_create(user=user, department=demo, role=role)
    return departments


def load_casework(stdout=None, case_count=200):
    """Departments, the holiday calendar, reply templates, ~200 cases over every status and SLA state,
    and a few visits. Safe to re-run: what exists is left as it is."""
    today = timezone.localdate()
    # Every year the cases' dates and deadlines can reach, whatever the day the demo is loaded on
    # (a case received two years ago, a deadline early next year): a missing year would make its
    # holidays count as working days.
    first, last = today - timedelta(days=SYNTHETIC_PAST_DAYS), today + timedelta(days=SYNTHETIC_FUTURE_DAYS)
    deadlines.load_public_holidays(range(first.year, last.year + 1))
    StageLimits.load()
    time_limits.ensure_default_rules()
    departments = load_departments()
    for category, title, text in REPLY_TEMPLATES:
        ReplyTemplate.objects.get_or_create(category=category, title=title, defaults={"text": text})

    User = get_user_model()
    staff = {role: User.objects.filter(username=role).first() for role in ("intake", "manager", "supervisor")}
    if not Case.objects.exists():
        synth = Synthesiser(
            {code: d for code, d in departments.items() if code != "city"},
            staff,
            seed=2026,
            favourite=DEMO_DEPARTMENT,
            favourite_share=0.5,
        )
        built = []
        # Every open status in every SLA state, then the endings.
        for status in ANCHORS:
            for sla in SLAState:
                built += [synth.build(status, sla) for _i in range(5)]
        built += [synth.build(Status.AWAITING_INFORMATION) for _i in range(4)]
        endings = {Status.CLOSED: 36, Status.REJECTED: 6, Status.DUPLICATE: 4, Status.WITHDRAWN: 6}
        for status, count in endings.items():
            built += [synth.build(status) for _i in range(count)]
        built += [
            synth.build(status, this_month=True, department_code=code) for status, code in THIS_MONTH_CASES
        ]
        fill_complaint_registers(built)
        save_batch(built[:case_count])
    if not Visit.objects.exists():
        intake = staff["intake"]
        for count, names, contacts, reason, outcome in DEMO_VISITS:
            visit = Visit(
                visitor_count=count,
                visitor_names=names,
                contacts=contacts,
                reason=reason,
                outcome=outcome,
                visited_at=timezone.now() - timedelta(days=len(reason) % 7),
                **{k: v for k, v in DEMO_VISIT_DETAILS.get(names, {}).items() if k != "opens_complaint"},
            )
            details = DEMO_VISIT_DETAILS.get(names, {})
            case_fields = None
            if details.get("opens_complaint"):
                # A visit that opens a complaint: its case page links the filled registers and the slip.
                case_fields = {
                    "category": Category.COMPLAINT,
                    "subject": details["opens_complaint"],
                    "content": reason,
                    "citizen_name": names,
                    "citizen_phone": details.get("phone", ""),
                    "citizen_email": details.get("email", ""),
                    "citizen_address": details.get("address", ""),
                    "evidence_provided": details.get("materials_provided", ""),
                    "citizen_confirmed": details.get("visitor_confirmed", False),
                }
            workflow.register_visit(visit, intake, case_fields)
    load_rectification(departments)
    load_supervision(departments)
    load_co_handling(departments)
    load_analysis_reports(departments)
    if stdout:
        stdout.write(
            f"Casework: {Department.objects.count()} departments, {Case.objects.count()} cases, "
            f"{SupervisionNotice.objects.count()} supervision notices."
        )


def fill_complaint_registers(built):
    """The complaint registers of the complaints staff registered: evidence and the confirmation
    (read back on the phone or signed at the counter). Online complaints keep theirs empty."""
    complaints = [case for case, _recorder in built if case.category == Category.COMPLAINT]
    for number, case in enumerate(c for c in complaints if c.channel != Channel.WEB):
        case.evidence_provided = DEMO_EVIDENCE[number % len(DEMO_EVIDENCE)]
        case.citizen_confirmed = case.channel in {Channel.VISIT, Channel.HOTLINE}


def load_rectification(departments):
    """The synthetic founded complaints carry one rectification measure each (dated as they were
    handled). Once: the measures of closed cases are carried out and verified, as they would have
    been, but for one left overdue in the demo department; one more there is carried out and waits
    for its verification, so the rectification ledger, the tracking page and the disclosure report
    each show every state. The supervision rounds then send notices about the overdue ones."""
    if RectificationMeasure.objects.exclude(state=RectificationMeasure.State.PLANNED).exists():
        return
    User = get_user_model()
    supervisor = User.objects.get(username="supervisor")
    demo = departments[DEMO_DEPARTMENT]
    today = timezone.localdate()
    planned = RectificationMeasure.objects.filter(state=RectificationMeasure.State.PLANNED).select_related(
        "case", "department"
    )
    overdue_left = (
        planned.filter(department=demo, deadline__lt=today, case__status=Status.CLOSED)
        .order_by("-deadline")
        .first()
    )
    for measure in planned.filter(case__status=Status.CLOSED).order_by("deadline", "pk"):
        if overdue_left and measure.pk == overdue_left.pk:
            continue
        doer = _member(measure.department, DepartmentMembership.Role.HANDLER)
        if doer is None:
            continue
        done_on = min(measure.deadline, today)
        workflow.carry_out_measure(
            measure.case, doer, measure=measure, note="業者已完成改善，經派員現場複查。", done_on=done_on
        )
        workflow.verify_measure(measure.case, supervisor, measure=measure, note="複查屬實，整改完成。")
    # The disclosure report of last quarter counts its cases' measures: its founded complaints get
    # theirs now, carried out and verified, so the public report has its rectification section.
    start, end = last_quarter(today)
    quarter = Case.objects.filter(
        category=Category.COMPLAINT,
        received_at__date__gte=start,
        received_at__date__lte=end,
        outcomes__isnull=False,
        rectification_measures__isnull=True,
    ).distinct()
    for case in quarter.select_related("department").order_by("pk"):
        reviewer = _member(case.department, DepartmentMembership.Role.REVIEWER)
        doer = _member(case.department, DepartmentMembership.Role.HANDLER)
        if reviewer is None or doer is None:
            continue
        workflow.add_measure(
            case,
            reviewer,
            description="業者完成設備改善並提交改善報告",
            department=case.department,
            deadline=today + timedelta(days=14),
        )
        measure = case.rectification_measures.get()
        workflow.carry_out_measure(case, doer, measure=measure, note="業者已提交改善報告並經現場確認。")
        workflow.verify_measure(case, supervisor, measure=measure, note="複查屬實。")
    awaiting = (
        planned.filter(department=demo).exclude(case__status=Status.CLOSED).order_by("deadline", "pk").first()
    )
    if awaiting:
        doer = _member(demo, DepartmentMembership.Role.HANDLER)
        workflow.carry_out_measure(
            awaiting.case, doer, measure=awaiting, note="已要求業者改善並完成第一次複查。"
        )


def _member(department, role):
    membership = (
        DepartmentMembership.objects.filter(department=department, role=role, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


# The daily rounds the demo catches up on, as if Celery beat had run them (make beat runs them from
# then on): notices on the overdue cases, and escalations of those left unanswered.
SUPERVISION_HISTORY_DAYS = 10


def load_supervision(departments):
    """Supervision notices on the demo cases, once: the past rounds' notices (some escalated), one
    answered late and one answered on time by the demo department, and one issued by hand."""
    if SupervisionNotice.objects.exists():
        return
    today = timezone.localdate()
    for days_ago in range(SUPERVISION_HISTORY_DAYS, -1, -1):
        supervision.run(today - timedelta(days=days_ago))
    User = get_user_model()
    handler, supervisor = User.objects.get(username="handler"), User.objects.get(username="supervisor")
    demo = departments[DEMO_DEPARTMENT]
    waiting = SupervisionNotice.objects.filter(
        answered_at__isnull=True, case__department=demo, case__status__in=OPEN_STATUSES
    ).select_related("case")
    late = waiting.filter(respond_by__lt=today).order_by("issued_at").first()
    if late:
        workflow.respond_to_supervision(
            late.case,
            handler,
            notice=late,
            progress="已派員現場複查，正在協調相關單位處理。",
            expected_completion=deadlines.add_working_days(today, 5),
        )
    on_time = waiting.filter(respond_by__gte=today).order_by("issued_at").first()
    if on_time:
        workflow.respond_to_supervision(
            on_time.case,
            handler,
            notice=on_time,
            progress="已排定施工，預計下週完成。",
            expected_completion=deadlines.add_working_days(today, 7),
        )
    open_case = (
        Case.objects.filter(department=demo, status=Status.IN_PROGRESS, paused_at__isnull=True)
        .exclude(supervision_notices__isnull=False)
        .order_by("pk")
        .first()
    )
    if open_case:
        workflow.issue_supervision_notice(
            open_case, supervisor, reason="民眾多次來電反映，請說明目前辦理進度及預定完成日期。"
        )


def load_analysis_reports(departments):
    """Last month's office analysis report, reviewed and frozen by the manager, and the demo
    department's report of the same month, a draft its reviewer is writing. Once."""
    if AnalysisReport.objects.exists():
        return
    User = get_user_model()
    supervisor, manager = User.objects.get(username="supervisor"), User.objects.get(username="manager")
    reviewer = User.objects.get(username="reviewer")
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    monthly = AnalysisReport.Kind.MONTHLY
    office = analysis.create_report(supervisor, monthly, last_month.year, last_month.month)
    analysis.update_text(
        supervisor,
        office,
        causes=(
            "本月投訴以噪音、道路坑洞及路燈故障為主，集中於夜間施工路段；部分案件因需跨部門協調，答復逾期。"
        ),
        proposals=(
            "一、請工務局公告夜間施工時段並加強巡查；二、跨部門案件於分流時即指定主辦部門；"
            "三、對同一地點重複投訴建立聯合處理機制。"
        ),
        decisions="提供局務會議討論夜間施工管理措施及年度考核參考。",
    )
    analysis.submit_for_review(supervisor, office)
    analysis.freeze(manager, office)
    department = analysis.create_report(
        reviewer, monthly, last_month.year, last_month.month, departments[DEMO_DEPARTMENT]
    )
    analysis.update_text(
        reviewer,
        department,
        causes="環境噪音投訴增加，主要來自商業區夜間營業。",
        proposals="",
        decisions="",
    )


# Complaints that need several departments (000 §三(四)2): one led by the demo department with one
# co-handler answered and one still waiting, and one the demo department co-handles for another.
CO_HANDLED_COMPLAINTS = [
    (
        "epb",
        "社區排水溝發臭並造成道路積水",
        "住家旁排水溝長期發臭，下雨時道路積水，機車騎士多次滑倒。希望查明污染來源並改善排水。",
        [
            (
                "pwd",
                "查明排水溝堵塞情形，提出疏濬時程。",
                "經現場勘查，排水溝淤積約三十公尺，已排定下週疏濬。",
            ),
            ("dot", "評估疏濬施工期間的交通管制措施。", None),
        ],
    ),
    (
        "pwd",
        "道路施工廢水排入溪流",
        "附近道路工程將廢水直接排入溪流，溪水混濁並有異味。",
        [("epb", "採樣檢驗溪水水質並認定污染責任。", None)],
    ),
]


def load_co_handling(departments):
    """The co-handled complaints, once, each through the workflow as staff would take them."""
    if CoHandling.objects.exists():
        return
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=("intake", "handler", "admin"))}
    if len(users) < 3:
        return
    for lead, subject, content, co_handlers in CO_HANDLED_COMPLAINTS:
        case, _code = workflow.register_case(
            actor=users["intake"],
            channel=Channel.HOTLINE,
            category=Category.COMPLAINT,
            subject=subject,
            content=content,
            citizen_name="李志明",
            citizen_phone="0912345678",
            citizen_address="臺北市大安區和平東路三段1號",
            evidence_provided="現場照片5張\n噪音量測紀錄1份",
            citizen_confirmed=True,
        )
        workflow.accept(case, users["intake"])
        workflow.route(
            case,
            users["intake"],
            department=departments[lead],
            co_handlers=[(departments[code], task, None) for code, task, _answer in co_handlers],
        )
        if lead == DEMO_DEPARTMENT:
            workflow.record_handling_plan(
                case, users["handler"], plan="會同工務局、交通局現場會勘，查明污染來源。"
            )
        for code, _task, answer in co_handlers:
            if answer:
                # The demo has no staff of the other departments; the administrator (a member of every
                # department) records their answer.
                row = CoHandling.objects.get(case=case, department=departments[code])
                workflow.contribute_co_handling(case, users["admin"], co_handling=row, contribution=answer)
