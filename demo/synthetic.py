"""Realistic synthetic cases (Chinese subjects, citizens and timelines) for the demo and benchmarks.

Each case is built in memory by replaying the workflow's own steps (the rules check every step
against the case's state), then saved in bulk by the command layer (workflow.batch).
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from casework import crypto, workflow
from casework.deadlines import WorkingCalendar
from casework.fields import Ciphertext
from casework.models import (
    Case,
    Category,
    Channel,
    DepartmentMembership,
    Event,
    Outcome,
    ReferenceSequence,
    Satisfaction,
    SLAState,
    StageLimits,
    Status,
)
from casework.workflow.steps import MemoryRecorder

S = Status
K = Event.Kind
CITIZEN_POOL = 5000

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

# The steps that lead to each status: (action, who takes it, arguments). Arguments named by a
# placeholder are the case's own (its department, outcome, satisfaction, an earlier case).
INTAKE, HANDLER, REVIEWER, MANAGER = "intake", "handler", "reviewer", "manager"
DEPARTMENT, OUTCOME, SATISFACTION, ORIGINAL = "<department>", "<outcome>", "<satisfaction>", "<original>"
PLAN_TEXT = "三個工作日內派員現場查看，並聯繫陳情人說明。"
DRAFT_TEXT = "經派員查處，已要求改善，感謝您的反映。"
ACCEPTED_STEPS = [("accept", INTAKE, {})]
ROUTED_STEPS = ACCEPTED_STEPS + [("route", INTAKE, {"department": DEPARTMENT})]
IN_PROGRESS_STEPS = ROUTED_STEPS + [("handling_plan", HANDLER, {"plan": PLAN_TEXT})]
IN_REVIEW_STEPS = IN_PROGRESS_STEPS + [
    ("record_outcome", HANDLER, OUTCOME),
    ("submit_for_review", HANDLER, {"draft_reply": DRAFT_TEXT}),
]
APPROVED_STEPS = IN_REVIEW_STEPS + [("approve_draft", REVIEWER, {})]
REPLIED_STEPS = APPROVED_STEPS + [("reply", HANDLER, {})]
FOLLOWED_UP_STEPS = REPLIED_STEPS + [("record_satisfaction", INTAKE, {"satisfaction": SATISFACTION})]
STEPS = {
    S.RECEIVED: [],
    S.AWAITING_INFORMATION: [("request_information", INTAKE, {"request": "請提供詳細地址及現場照片。"})],
    S.ACCEPTED: ACCEPTED_STEPS,
    S.ROUTED: ROUTED_STEPS,
    S.IN_PROGRESS: IN_PROGRESS_STEPS,
    S.IN_REVIEW: IN_REVIEW_STEPS,
    S.AWAITING_APPROVAL: APPROVED_STEPS,
    S.APPROVED: APPROVED_STEPS,
    S.REPLIED: REPLIED_STEPS,
    S.FOLLOWED_UP: FOLLOWED_UP_STEPS,
    S.CLOSED: FOLLOWED_UP_STEPS + [("close", INTAKE, {})],
    S.REJECTED: [("reject", INTAKE, {"reason": "本案屬司法審理事項，非本中心職權範圍，請洽管轄法院。"})],
    S.DUPLICATE: [("mark_duplicate", INTAKE, {"original": ORIGINAL})],
    S.WITHDRAWN: ACCEPTED_STEPS + [("withdraw", INTAKE, {"reason": "陳情人來電撤回。"})],
}
# A major case needs management's approval after the reviewer's.
MAJOR_EXTRA = [("manager_approve", MANAGER, {})]

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
        self.original = None
        self.first_built = None

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
        """An unsaved case in the given status, and the recorder holding its timeline, outcome and
        pause: (case, recorder) for workflow.batch.save_batch.

        this_month: received this month (up to now) instead of at a date putting it in an SLA state;
        department_code: the department a routed case goes to (else one the category usually goes to).
        """
        rng = self.rng
        original = None
        if status == S.DUPLICATE:
            original = self.earlier_case()
            if original is None:
                status = S.REJECTED  # nothing yet to be a duplicate of
        category = self.weighted(CATEGORY_WEIGHTS)
        subject, content = rng.choice(SUBJECTS[category])
        place = {"district": rng.choice(DISTRICTS), "road": rng.choice(ROADS)}
        channel = self.weighted(CHANNEL_WEIGHTS)
        received_on, stage_on = self.this_month() if this_month else self.dates_for(status, sla)
        received_at = self.at(received_on)
        if original is not None and received_at <= original.received_at:
            # A duplicate comes in after the case it repeats.
            received_at = min(original.received_at + timedelta(hours=2), timezone.now())
            stage_on = max(stage_on, timezone.localtime(received_at).date())
        is_major = category == Category.COMPLAINT and rng.random() < 0.08
        if status == S.AWAITING_APPROVAL:
            is_major = True
        code = rng.choice(ROUTING[category])
        if self.favourite and rng.random() < self.favourite_share:
            code = self.favourite
        code = department_code or code
        department = self.departments.get(code) or rng.choice(list(self.departments.values()))
        case = Case(
            channel=channel,
            category=category,
            subject=subject.format(**place),
            content=content.format(**place),
            priority=rng.choices([1, 2, 3, 4], weights=[10, 70, 15, 5])[0],
            is_major=is_major,
            received_at=received_at,
            reply_channel=channel,
            **self.citizen(),
        )
        if year is not None:
            case.reference = ReferenceSequence.format(year, number)
        self.first_built = self.first_built or case
        satisfaction = rng.choices(list(Satisfaction), weights=[60, 27, 13])[0]
        placeholders = {DEPARTMENT: department, SATISFACTION: satisfaction, ORIGINAL: original}

        steps = list(STEPS[status])
        if is_major and status in {S.APPROVED, S.REPLIED, S.FOLLOWED_UP, S.CLOSED}:
            index = next(i for i, step in enumerate(steps) if step[0] == "approve_draft") + 1
            steps[index:index] = MAJOR_EXTRA
        recorder = self.replay(case, steps, placeholders, stage_on)
        # Synthetic citizens cannot track their cases.
        case.access_code_hash = "!"
        return case, recorder

    def replay(self, case, steps, placeholders, stage_on):
        """Register the case and take its steps, spread from receipt to the day its stage began."""
        start = case.received_at
        end = max(self.at(stage_on, earliest=start), start)
        span = (end - start).total_seconds()
        count = len(steps) + 1
        recorder = MemoryRecorder(start, self.limits, self.calendar)
        registrar = None if case.channel in {Channel.WEB, Channel.API} else self.staff.get(INTAKE)
        workflow.replay_registration(case, registrar, recorder)
        for i, (action, who, arguments) in enumerate(steps, start=1):
            recorder.moment = end if i == count - 1 else start + timedelta(seconds=span * i / (count - 1))
            if arguments == OUTCOME:
                arguments = self.outcome(case, timezone.localtime(recorder.moment).date())
                if arguments is None:
                    continue  # inquiries need no recorded outcome
            arguments = {name: placeholders.get(value, value) for name, value in arguments.items()}
            workflow.replay(action, case, self.actor(who, case), recorder, **arguments)
        # The stage began on the day chosen to put the case in its deadline state.
        case.stage_started_on = stage_on
        recorder.recompute(case)
        return recorder

    def actor(self, who, case):
        if who in (HANDLER, REVIEWER) and case.department_id:
            role = DepartmentMembership.Role.HANDLER if who == HANDLER else DepartmentMembership.Role.REVIEWER
            member = self.department_staff.get((case.department_id, role))
            if member is not None:
                return member
        return self.staff.get(who) or self.staff.get(INTAKE)

    def earlier_case(self):
        """A case for a duplicate to be merged with: the first saved case, else the first one built
        here (given its reference now, for the merge's timeline text)."""
        if self.original is None:
            self.original = Case.objects.order_by("pk").first() or self.first_built
            if self.original is not None and not self.original.reference:
                year = timezone.localtime(self.original.received_at).year
                self.original.reference = ReferenceSequence.format(
                    year, ReferenceSequence.reserve(year, 1)[0]
                )
        return self.original

    def outcome(self, case, day=None):
        if case.category == Category.COMPLAINT:
            characterisation = self.rng.choice(["屬實", "部分屬實", "不屬實"])
            outcome = {
                "characterisation": characterisation,
                "responsibility": "相關業者未依規定辦理",
                "measures": "已派員稽查並要求限期改善",
            }
            if characterisation == "屬實" and day is not None:
                # A founded complaint: a rectification, followed as one measure of the department
                # (no random draw, so the other cases stay as they were).
                outcome["rectification"] = "責令業者限期改善，並由承辦部門派員複查"
                outcome["rectification_deadline"] = day + timedelta(days=30)
            return outcome
        if case.category == Category.SUGGESTION:
            adoption = self.rng.choice(list(Outcome.Adoption))
            if adoption == Outcome.Adoption.NOT_ADOPTED:
                return {"adoption": adoption, "adoption_reasons": "經評估與現行法規不符，暫不採納"}
            received = timezone.localtime(case.received_at).date()
            partly = adoption == Outcome.Adoption.PARTLY
            return {
                "adoption": adoption,
                "adoption_reasons": "受經費限制，先於重點路段試辦" if partly else "",
                "implementation_plan": "納入明年度計畫評估辦理",
                # A tuple: the replay looks arguments up among its placeholders.
                "milestones": (
                    ("完成規劃設計", received + timedelta(days=60)),
                    ("完成施工並開放使用", received + timedelta(days=180)),
                ),
            }
        if case.category == Category.HELP:
            return {"help_provided": "已轉介社工訪視並提供急難救助"}
        return None
