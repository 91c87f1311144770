"""Realistic synthetic cases (Chinese subjects, citizens and timelines) for the demo and benchmarks.

Cases are built in memory with the timeline the workflow would have written, then saved with
bulk_create; nothing here changes an existing case.
"""

import json
import random
from collections import namedtuple
from datetime import datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from . import crypto
from .deadlines import WorkingCalendar, recompute_due_dates
from .fields import Ciphertext
from .models import (
    Case,
    Category,
    Channel,
    DepartmentMembership,
    Event,
    Outcome,
    Pause,
    ReferenceSequence,
    Satisfaction,
    SLAState,
    StageLimits,
    Status,
)

S = Status
K = Event.Kind
CITIZEN_POOL = 5000
EventRow = namedtuple("EventRow", "actor_id created_at kind is_public text data")

DISTRICTS = [
    "中正區",
    "大同區",
    "中山區",
    "松山區",
    "大安區",
    "萬華區",
    "信義區",
    "士林區",
    "北投區",
    "內湖區",
    "南港區",
    "文山區",
]
ROADS = [
    "中山路",
    "民生東路",
    "和平東路",
    "忠孝東路",
    "復興南路",
    "承德路",
    "基隆路",
    "羅斯福路",
    "南京東路",
    "重慶南路",
]
SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高"
GIVEN = "志明美玲淑芬建宏俊傑雅婷家豪怡君冠宇佳穎宗翰欣怡承恩詩涵柏翰心怡彥廷"

SUBJECTS = {
    Category.COMPLAINT: [
        ("{road}工地夜間施工噪音", "{district}{road}附近工地每晚十一點後仍在施工，噪音嚴重影響睡眠。"),
        ("{road}違規停車堵塞車道", "{district}{road}路口長期有車輛違規停車，救護車難以通行。"),
        ("{district}垃圾車未按時清運", "本里垃圾車已連續三天沒有按時來，垃圾堆積發出異味。"),
        ("{road}路面坑洞", "{road}靠近{district}公所的路段有大坑洞，機車騎士容易摔倒。"),
        ("餐廳油煙直排住宅", "{district}{road}一樓餐廳油煙直接排到後巷，住戶無法開窗。"),
        ("公車司機態度不佳", "搭乘經過{road}的公車時，司機未等乘客坐穩就急駛。"),
        ("{district}公園路燈故障", "{district}社區公園路燈壞了兩週，晚上很暗很危險。"),
        ("攤販占用人行道", "{road}人行道被攤販占用，行人只能走到車道上。"),
    ],
    Category.INQUIRY: [
        ("低收入戶補助申請資格", "請問申請低收入戶需要哪些文件？{district}在哪裡辦理？"),
        ("戶籍謄本申請方式", "請問可以在網路上申請戶籍謄本嗎？需要什麼證件？"),
        ("房屋稅繳納期限", "今年的房屋稅什麼時候截止繳納？可以分期嗎？"),
        ("路邊停車月票申請", "住在{road}，想申請路邊停車月票，請問流程為何？"),
        ("老人健保補助", "家中長輩年滿六十五歲，請問有哪些健保費補助？"),
        ("育兒津貼發放日期", "請問育兒津貼每個月幾號入帳？"),
    ],
    Category.SUGGESTION: [
        ("建議{road}增設公車站", "{road}與{district}交界處沒有公車站，居民要走很遠，建議增設。"),
        ("建議延長圖書館開放時間", "{district}圖書館晚上八點就關門，建議延長到十點方便上班族。"),
        ("建議增設自行車道", "{road}車流量大，建議劃設自行車專用道以保障安全。"),
        ("建議公園增設無障礙設施", "{district}公園入口有階梯，輪椅無法進入，建議改善。"),
        ("建議增加夜間巡邏", "{district}{road}一帶夜間治安不佳，建議加強巡邏。"),
    ],
    Category.HELP: [
        ("獨居長者需要送餐服務", "住在{district}的鄰居是獨居長者，行動不便，希望能提供送餐服務。"),
        ("失業需要職業訓練協助", "我最近失業，想了解有沒有職業訓練課程與補助。"),
        ("家中漏水需要緊急修繕", "{district}老舊公寓屋頂漏水，家中有身障者，希望協助修繕。"),
        ("颱風後房屋受損求助", "颱風後{road}住家外牆剝落，請問有沒有災害救助？"),
    ],
    Category.OTHER: [
        ("感謝{district}公所人員協助", "上週到{district}公所辦事，承辦人員非常熱心，特此感謝。"),
        ("市政網站無法登入", "市政府網站會員登入時一直出現錯誤訊息。"),
    ],
}
CATEGORY_WEIGHTS = {
    Category.COMPLAINT: 45,
    Category.INQUIRY: 25,
    Category.SUGGESTION: 15,
    Category.HELP: 10,
    Category.OTHER: 5,
}
CHANNEL_WEIGHTS = {
    Channel.WEB: 45,
    Channel.HOTLINE: 25,
    Channel.EMAIL: 10,
    Channel.LETTER: 7,
    Channel.VISIT: 8,
    Channel.SOCIAL: 4,
    Channel.API: 1,
}
# Where cases of each category usually go (department codes).
ROUTING = {
    Category.COMPLAINT: ["epb", "dot", "pwd", "police"],
    Category.INQUIRY: ["civil", "social"],
    Category.SUGGESTION: ["dot", "pwd", "edu"],
    Category.HELP: ["social", "health"],
    Category.OTHER: ["civil"],
}
STATUS_WEIGHTS = {
    S.CLOSED: 55,
    S.FOLLOWED_UP: 4,
    S.REPLIED: 5,
    S.APPROVED: 2,
    S.AWAITING_APPROVAL: 1,
    S.IN_REVIEW: 3,
    S.IN_PROGRESS: 10,
    S.ROUTED: 4,
    S.ACCEPTED: 2,
    S.RECEIVED: 4,
    S.AWAITING_INFORMATION: 1,
    S.REJECTED: 4,
    S.DUPLICATE: 2,
    S.WITHDRAWN: 3,
}

# The steps that lead to each status: (event kind, public, who acts, text).
INTAKE, HANDLER, REVIEWER, MANAGER, CITIZEN = "intake", "handler", "reviewer", "manager", "citizen"
REGISTERED = [(K.REGISTERED, True, INTAKE, "您的案件已登記。")]
ACCEPTED_STEPS = REGISTERED + [(K.ACCEPTED, True, INTAKE, "您的案件已受理。")]
ROUTED_STEPS = ACCEPTED_STEPS + [(K.ROUTED, True, INTAKE, "您的案件已轉交承辦部門。")]
IN_PROGRESS_STEPS = ROUTED_STEPS + [
    (K.HANDLING_PLAN, False, HANDLER, "三個工作日內派員現場查看，並聯繫陳情人說明。"),
    (K.NOTE, True, HANDLER, "您的案件正在處理中。"),
]
IN_REVIEW_STEPS = IN_PROGRESS_STEPS + [
    (K.OUTCOME, False, HANDLER, "經查屬實。"),
    (K.SUBMITTED, False, HANDLER, "擬復內容如附。"),
]
APPROVED_STEPS = IN_REVIEW_STEPS + [(K.REVIEWED, False, REVIEWER, "")]
REPLIED_STEPS = APPROVED_STEPS + [(K.REPLIED, True, HANDLER, "經派員查處，已要求改善，感謝您的反映。")]
FOLLOWED_UP_STEPS = REPLIED_STEPS + [(K.SATISFACTION, False, INTAKE, "")]
STEPS = {
    S.RECEIVED: REGISTERED,
    S.AWAITING_INFORMATION: REGISTERED
    + [(K.INFORMATION_REQUESTED, True, INTAKE, "請提供詳細地址及現場照片。")],
    S.ACCEPTED: ACCEPTED_STEPS,
    S.ROUTED: ROUTED_STEPS,
    S.IN_PROGRESS: IN_PROGRESS_STEPS,
    S.IN_REVIEW: IN_REVIEW_STEPS,
    S.AWAITING_APPROVAL: APPROVED_STEPS,
    S.APPROVED: APPROVED_STEPS,
    S.REPLIED: REPLIED_STEPS,
    S.FOLLOWED_UP: FOLLOWED_UP_STEPS,
    S.CLOSED: FOLLOWED_UP_STEPS + [(K.CLOSED, True, INTAKE, "您的案件已辦結。")],
    S.REJECTED: REGISTERED
    + [(K.REJECTED, True, INTAKE, "本案屬司法審理事項，非本中心職權範圍，請洽管轄法院。")],
    S.DUPLICATE: REGISTERED + [(K.MERGED, True, INTAKE, "本案與先前案件屬同一事項，已併案處理。")],
    S.WITHDRAWN: ACCEPTED_STEPS + [(K.WITHDRAWN, True, INTAKE, "陳情人來電撤回。")],
}
MAJOR_EXTRA = [(K.APPROVED, False, MANAGER, "同意。")]

# Which stage limit a status's due date counts, and whether it counts from receipt or the stage start.
ANCHORS = {
    S.RECEIVED: ("screening_days", "received"),
    S.ACCEPTED: ("routing_days", "stage"),
    S.ROUTED: ("handling_plan_days", "stage"),
    S.IN_PROGRESS: ("reply_days", "received"),
    S.IN_REVIEW: ("reply_days", "received"),
    S.AWAITING_APPROVAL: ("reply_days", "received"),
    S.APPROVED: ("reply_days", "received"),
    S.REPLIED: ("follow_up_days", "stage"),
    S.FOLLOWED_UP: ("follow_up_days", "stage"),
}
# How far back cases are received and how far ahead deadlines fall: the calendar the dates need.
SYNTHETIC_PAST_DAYS = 900
SYNTHETIC_FUTURE_DAYS = 400


class Synthesiser:
    def __init__(self, departments, staff, seed=2026, today=None, favourite=None, favourite_share=0.0):
        """departments: code -> Department; staff: role name -> user (intake, manager, ...).

        A `favourite` department gets `favourite_share` of the routed cases (the demo's handler has work).
        """
        self.rng = random.Random(seed)
        self.favourite = favourite
        self.favourite_share = favourite_share
        self.today = today or timezone.localdate()
        self.departments = departments
        self.staff = staff
        self.limits = StageLimits.load()
        self.calendar = WorkingCalendar(
            self.today - timedelta(days=SYNTHETIC_PAST_DAYS),
            self.today + timedelta(days=SYNTHETIC_FUTURE_DAYS),
        )
        self.department_staff = {}
        for membership in DepartmentMembership.objects.select_related("user"):
            self.department_staff.setdefault((membership.department_id, membership.role), membership.user)
        self.citizens = []

    # --- Choices --------------------------------------------------------------------------------

    def weighted(self, weights):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def citizen(self):
        """A citizen from a pool encrypted once: Fernet per field and case would dominate a big run."""
        if len(self.citizens) < CITIZEN_POOL:
            clear = self.new_citizen()
            profile = {name: Ciphertext(crypto.encrypt(value)) for name, value in clear.items()}
            profile["citizen_phone_hash"] = crypto.lookup_hash(clear["citizen_phone"], "phone")
            profile["citizen_email_hash"] = crypto.lookup_hash(clear["citizen_email"], "email")
            self.citizens.append(profile)
            return profile
        return self.rng.choice(self.citizens)

    def new_citizen(self):
        rng = self.rng
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))
        return {
            "citizen_name": name,
            "citizen_phone": "09" + "".join(rng.choice("0123456789") for _i in range(8)),
            "citizen_email": f"citizen{rng.randrange(10**8):08d}@example.org" if rng.random() < 0.5 else "",
            "citizen_address": (
                f"臺北市{rng.choice(DISTRICTS)}{rng.choice(ROADS)}{rng.randrange(1, 400)}號"
                if rng.random() < 0.7
                else ""
            ),
            "citizen_id_number": "",
        }

    def at(self, day, earliest=None):
        """A moment during office hours on `day` (not before `earliest`, not in the future)."""
        moment = timezone.make_aware(
            datetime.combine(day, time(8, 30)) + timedelta(minutes=self.rng.randrange(540))
        )
        if earliest and moment <= earliest:
            moment = earliest + timedelta(minutes=self.rng.randrange(1, 120))
        return min(moment, timezone.now())

    # --- Dates ----------------------------------------------------------------------------------

    def dates_for(self, status, sla=None):
        """(received_on, stage_started_on) putting an open case in the wanted SLA state."""
        rng, cal, today = self.rng, self.calendar, self.today
        if status not in ANCHORS:
            received = today - timedelta(days=rng.randrange(5, 700))
            stage = min(today, received + timedelta(days=rng.randrange(1, 40)))
            return received, stage
        limit_name, anchor = ANCHORS[status]
        limit = getattr(self.limits, limit_name)
        soon = self.limits.due_soon_days
        sla = sla or rng.choices(list(SLAState), weights=[70, 15, 15])[0]
        # On a weekend or holiday today is not one of the elapsed working days, so a deadline is one
        # working day further off than on a working day: the fewest elapsed days that are due soon
        # rather than on time is one more.
        fewest_due_soon = min(max(0, limit - soon) + (0 if cal.is_working_day(today) else 1), limit)
        if sla == SLAState.ON_TIME and limit > soon:
            elapsed = rng.randrange(0, limit - soon)
        elif sla == SLAState.OVERDUE:
            elapsed = limit + rng.randrange(1, 12)
        else:
            elapsed = rng.randrange(fewest_due_soon, limit + 1)
        anchor_day = cal.subtract_working_days(today, elapsed)
        if anchor == "received":
            received = anchor_day
            stage = received + timedelta(days=rng.randrange(0, max(1, (today - received).days + 1)))
        else:
            stage = anchor_day
            received = stage - timedelta(days=rng.randrange(1, 10))
        return received, min(stage, today)

    # --- One case -------------------------------------------------------------------------------

    def this_month(self):
        """(received_on, stage_started_on), both from the first of this month to today."""
        first = self.today.replace(day=1)
        received = first + timedelta(days=self.rng.randrange((self.today - first).days + 1))
        stage = received + timedelta(days=self.rng.randrange((self.today - received).days + 1))
        return received, stage

    def build(self, status, sla=None, number=None, year=None, this_month=False, department_code=None):
        """An unsaved case with its events (and outcome, pause) in the given status.

        this_month: received this month (up to now) instead of at a date putting it in an SLA state;
        department_code: the department a routed case goes to (else one the category usually goes to).
        """
        rng = self.rng
        category = self.weighted(CATEGORY_WEIGHTS)
        subject, content = rng.choice(SUBJECTS[category])
        place = {"district": rng.choice(DISTRICTS), "road": rng.choice(ROADS)}
        channel = self.weighted(CHANNEL_WEIGHTS)
        received_on, stage_on = self.this_month() if this_month else self.dates_for(status, sla)
        received_at = self.at(received_on)
        is_major = category == Category.COMPLAINT and rng.random() < 0.08
        if status == S.AWAITING_APPROVAL:
            is_major = True
        routed = status not in {
            S.RECEIVED,
            S.AWAITING_INFORMATION,
            S.ACCEPTED,
            S.REJECTED,
            S.DUPLICATE,
            S.WITHDRAWN,
        }
        department = None
        if routed:
            code = rng.choice(ROUTING[category])
            if self.favourite and rng.random() < self.favourite_share:
                code = self.favourite
            code = department_code or code
            department = self.departments.get(code) or rng.choice(list(self.departments.values()))
        handler = None
        if department and status != S.ROUTED:
            handler = self.department_staff.get((department.pk, DepartmentMembership.Role.HANDLER))
        case = Case(
            channel=channel,
            category=category,
            status=status,
            subject=subject.format(**place),
            content=content.format(**place),
            priority=rng.choices([1, 2, 3, 4], weights=[10, 70, 15, 5])[0],
            is_major=is_major,
            department=department,
            handler=handler,
            received_at=received_at,
            stage_started_on=stage_on,
            access_code_hash="!",  # synthetic citizens cannot track their cases
            reply_channel=channel,
            **self.citizen(),
        )
        if year is not None:
            case.reference = ReferenceSequence.format(year, number)
        if status in {S.FOLLOWED_UP, S.CLOSED}:
            case.satisfaction = rng.choices(list(Satisfaction), weights=[60, 27, 13])[0]

        steps = list(STEPS[status])
        if is_major and status in {S.APPROVED, S.REPLIED, S.FOLLOWED_UP, S.CLOSED}:
            index = next(i for i, step in enumerate(steps) if step[0] == K.REVIEWED) + 1
            steps[index:index] = MAJOR_EXTRA
        events = self.timeline(case, steps, stage_on)
        extras = []
        if status in {S.REPLIED, S.FOLLOWED_UP, S.CLOSED}:
            case.replied_at = next(e.created_at for e in events if e.kind == K.REPLIED)
        if status in {S.IN_PROGRESS, S.IN_REVIEW, S.AWAITING_APPROVAL, S.APPROVED}:
            case.handling_plan = "三個工作日內派員現場查看，並聯繫陳情人說明。"
        if status in {S.IN_REVIEW, S.AWAITING_APPROVAL, S.APPROVED, S.REPLIED, S.FOLLOWED_UP, S.CLOSED}:
            case.draft_reply = "經派員查處，已要求改善，感謝您的反映。"
            case.reviewer_approved = status != S.IN_REVIEW
            outcome = self.outcome(case)
            if outcome:
                extras.append(outcome)
        if status in {S.CLOSED, S.REJECTED, S.DUPLICATE, S.WITHDRAWN}:
            case.closed_at = events[-1].created_at
        if status == S.AWAITING_INFORMATION:
            case.paused_at = events[-1].created_at
            extras.append(Pause(case=case, started_at=case.paused_at, reason=events[-1].text))
        recompute_due_dates(case, limits=self.limits, calendar=self.calendar, pauses=[])
        return case, events, extras

    def timeline(self, case, steps, stage_on):
        """Events spread from receipt to the day the current stage began (the last step's day)."""
        start = case.received_at
        end = max(self.at(stage_on, earliest=start), start)
        span = (end - start).total_seconds()
        events = []
        count = len(steps)
        for i, (kind, public, who, text) in enumerate(steps):
            if i == 0:
                moment = start
            elif i == count - 1:
                moment = end
            else:
                moment = start + timedelta(seconds=span * i / (count - 1))
            if who == HANDLER:
                actor = case.handler or self.staff.get("intake")
            elif who == REVIEWER and case.department_id:
                actor = self.department_staff.get((case.department_id, DepartmentMembership.Role.REVIEWER))
            elif who == CITIZEN:
                actor = None
            else:
                actor = self.staff.get(who)
            if kind == K.REGISTERED and case.channel in {Channel.WEB, Channel.API}:
                actor = None
            data = {}
            if kind == K.SATISFACTION:
                data = {"satisfaction": case.satisfaction or Satisfaction.SATISFIED}
            events.append(EventRow(actor.pk if actor else None, moment, kind, public, text, data))
        return events

    def outcome(self, case):
        recorded_by = case.handler
        if case.category == Category.COMPLAINT:
            return Outcome(
                case=case,
                characterisation=self.rng.choice(["屬實", "部分屬實", "不屬實"]),
                responsibility="相關業者未依規定辦理",
                measures="已派員稽查並要求限期改善",
                recorded_by=recorded_by,
            )
        if case.category == Category.SUGGESTION:
            return Outcome(
                case=case,
                adoption=self.rng.choice(list(Outcome.Adoption)),
                implementation_plan="納入明年度計畫評估辦理",
                recorded_by=recorded_by,
            )
        if case.category == Category.HELP:
            return Outcome(case=case, help_provided="已轉介社工訪視並提供急難救助", recorded_by=recorded_by)
        return None


def save_batch(built):
    """bulk_create a batch of built cases with their events, outcomes and pauses, with fresh references."""
    by_year = {}
    for case, _events, _extras in built:
        if not case.reference:
            by_year.setdefault(timezone.localtime(case.received_at).year, []).append(case)
    for year, cases in by_year.items():
        numbers = ReferenceSequence.reserve(year, len(cases))
        for number, case in zip(numbers, sorted(cases, key=lambda c: c.received_at), strict=True):
            case.reference = ReferenceSequence.format(year, number)
    with transaction.atomic():
        Case.objects.bulk_create([case for case, _e, _x in built])
        save_events([(case.pk, event) for case, events, _x in built for event in events])
        outcomes = [x for _c, _e, extras in built for x in extras if isinstance(x, Outcome)]
        pauses = [x for _c, _e, extras in built for x in extras if isinstance(x, Pause)]
        Outcome.objects.bulk_create(outcomes)
        Pause.objects.bulk_create(pauses)
    return len(built)


def save_events(rows):
    """Timeline rows (case id, EventRow): COPY on PostgreSQL, where there are millions; bulk_create elsewhere."""
    if connection.vendor == "postgresql":
        columns = "case_id, actor_id, created_at, kind, is_public, text, data"
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            with cursor.copy(f"COPY {Event._meta.db_table} ({columns}) FROM STDIN") as copy:
                for case_id, e in rows:
                    copy.write_row(
                        (case_id, e.actor_id, e.created_at, e.kind, e.is_public, e.text, json.dumps(e.data))
                    )
        return
    Event.objects.bulk_create(
        [
            Event(
                case_id=case_id,
                actor_id=e.actor_id,
                created_at=e.created_at,
                kind=e.kind,
                is_public=e.is_public,
                text=e.text,
                data=e.data,
            )
            for case_id, e in rows
        ],
        batch_size=5000,
    )
