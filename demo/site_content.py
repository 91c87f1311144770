"""The demo portal's words: zh-Hant source text and the English it is translated into."""

from datetime import date, time

# --- The management measures (seed documents): outline with English headings and section summaries ----

RECEPTION_MEASURES = {
    "slug": "citizen-reception-measures",
    "file": "citizen_reception_measures.txt",
    "title": ("公民接待管理辦法", "Citizen Reception Management Measures"),
    "intro": (
        "本辦法規定公民接待工作的機構、人員、流程、投訴處理、信息公開、監督考核及培訓要求。",
        "These measures set out how the office receives citizens: its reception office and staff, the "
        "reception procedure, complaint handling, publicity, supervision and training.",
    ),
    "outline": [
        (
            ("總則", "General provisions"),
            [
                (
                    "目的",
                    "Purpose",
                    "These measures regulate citizen reception, protect citizens' lawful rights, "
                    "improve service quality and uphold the organisation's good name.",
                ),
                (
                    "適用範圍",
                    "Scope",
                    "They apply to every kind of reception between the organisation and citizens, "
                    "including visits, inquiries and complaint handling.",
                ),
                (
                    "基本原則",
                    "Basic principles",
                    "Reception follows four principles: lawfulness; warm and helpful "
                    "service; timely and efficient handling without delay or buck-passing; fairness and impartiality "
                    "towards every citizen.",
                ),
            ],
        ),
        (
            ("接待機構與人員", "Reception office and staff"),
            [
                (
                    "接待機構",
                    "Reception office",
                    "A dedicated citizen reception room is set up as the fixed place for "
                    "receiving citizens, equipped with office equipment, communication tools and information material.",
                ),
                (
                    "接待人員",
                    "Reception staff",
                    "Reception staff are chosen for communication skills, knowledge and "
                    "sense of responsibility, and are trained. They listen to and record citizens' requests, answer "
                    "questions, help with forms and documents, report back on progress, and collect opinions and "
                    "suggestions.",
                ),
            ],
        ),
        (
            ("接待流程", "Reception procedure"),
            [
                (
                    "接待準備",
                    "Preparation",
                    "Staff prepare the reception room and equipment in advance and review the "
                    "day's work so they can answer questions accurately.",
                ),
                (
                    "接待登記",
                    "Registration",
                    "Visitors are welcomed and seated, and the Visit Registration Form is "
                    "filled in with their details, the reason for the visit and contact information.",
                ),
                (
                    "訴求傾聽與記錄",
                    "Listening and recording",
                    "Staff listen patiently without interrupting, help the "
                    "citizen present complex matters in order, and record the request and any evidence objectively, "
                    "truthfully and completely.",
                ),
                (
                    "問題解答與處理",
                    "Answering and handling",
                    "General questions are answered on the spot. Matters "
                    "involving several departments are coordinated, and the citizen is told the progress and expected "
                    "completion time. Complaints and reports are registered on the complaint form and passed to the "
                    "department concerned.",
                ),
                (
                    "反饋與跟蹤",
                    "Feedback and follow-up",
                    "Results are reported back in person, by telephone or in "
                    "writing. If the citizen is not satisfied, staff listen, explain, help take the matter further and "
                    "follow it until it is properly resolved.",
                ),
                (
                    "接待結束",
                    "Closing the visit",
                    "After the visit, records such as the Visit Registration Form are "
                    "filed and the reception room is tidied for the next visitor.",
                ),
            ],
        ),
        (
            ("投訴處理", "Complaint handling"),
            [
                (
                    "投訴受理",
                    "Accepting complaints",
                    "Complaints about service quality, product quality or staff "
                    "attitude are accepted through published channels such as a complaint hotline, mailbox and online "
                    "platform, and recorded on the Complaint Registration Form.",
                ),
                (
                    "投訴調查",
                    "Investigation",
                    "The complaint is passed to the department concerned, which investigates "
                    "within the set time, gathers evidence, keeps in touch with the complainant and may ask for further "
                    "material.",
                ),
                (
                    "投訴處理",
                    "Handling",
                    "The department proposes a handling opinion for approval, covering the nature "
                    "of the problem, responsibility, measures and rectification. Problems are fixed at once where "
                    "possible; otherwise a rectification plan and deadline are explained to the complainant.",
                ),
                (
                    "投訴反饋",
                    "Feedback",
                    "The complainant is told the findings, the handling opinion and the "
                    "rectification, and is contacted again to ask how satisfied they are.",
                ),
                (
                    "投訴記錄與分析",
                    "Records and analysis",
                    "Every complaint is recorded and filed, and complaints are "
                    "analysed regularly to find causes and patterns and to propose improvements.",
                ),
            ],
        ),
        (
            ("信息公開與宣傳", "Information disclosure and publicity"),
            [
                (
                    "信息公開",
                    "Disclosure",
                    "Reception information (office, hours, procedure, complaint channels, FAQ) "
                    "is published on the website and at reception sites and kept up to date.",
                ),
                (
                    "宣傳推廣",
                    "Publicity",
                    "Reception work is publicised through leaflets, events and social media to "
                    "raise awareness and trust.",
                ),
            ],
        ),
        (
            ("監督與考核", "Supervision and assessment"),
            [
                (
                    "內部監督",
                    "Internal supervision",
                    "A supervision group inspects reception work regularly, and staff "
                    "attitude, service quality and problem-solving are assessed for performance reviews.",
                ),
                (
                    "外部監督",
                    "External supervision",
                    "Public opinion is gathered through surveys, a suggestion box and "
                    "third-party evaluation; problems found are corrected and the corrections made public.",
                ),
                (
                    "考核機制",
                    "Assessment",
                    "A reception assessment system with indicators and scoring is set up, and "
                    "its results are linked to pay, promotion and rewards.",
                ),
            ],
        ),
        (
            ("培訓與提升", "Training and improvement"),
            [
                (
                    "培訓計劃",
                    "Training plan",
                    "An annual training plan covers law and regulations, business "
                    "knowledge, communication skills and service etiquette.",
                ),
                (
                    "培訓實施",
                    "Delivering training",
                    "Training uses lectures, case studies, role play and site visits, "
                    "with experts and experienced staff as trainers.",
                ),
                ("培訓效果評估", "Evaluating training", ""),
            ],
        ),
    ],
}

APPEALS_MEASURES = {
    "slug": "public-appeals-measures",
    "file": "public_appeals_measures.txt",
    "title": ("民意訴求管理辦法", "Public Opinion Appeals Management Measures"),
    "intro": (
        "本辦法規定民意訴求的接收、分類、處理、跟蹤督辦、數據分析、信息公開與保密及考核要求。",
        "These measures set out how public appeals are received, categorised, handled, tracked and "
        "supervised, analysed, disclosed and kept confidential, and how the work is assessed.",
    ),
    "outline": [
        (
            ("總則", "General provisions"),
            [
                (
                    "目的",
                    "Purpose",
                    "These measures regulate the management of public appeals, keep channels for "
                    "public opinion open, and ensure appeals are handled promptly and effectively.",
                ),
                (
                    "適用範圍",
                    "Scope",
                    "They apply to receiving, handling and replying to all public appeals, internal "
                    "and external, concerning the organisation's affairs.",
                ),
                (
                    "基本原則",
                    "Basic principles",
                    "Four principles apply: lawfulness; timeliness and efficiency; "
                    "fairness and impartiality; and clear responsibility for every department and person.",
                ),
            ],
        ),
        (
            ("民意訴求接收", "Receiving appeals"),
            [
                (
                    "接收渠道",
                    "Channels",
                    "Online: the website's message form, social media and a dedicated appeals "
                    "system. Offline: a service hotline, letters to a published postal address, and a walk-in reception "
                    "window.",
                ),
                (
                    "接收要求",
                    "Requirements",
                    "Channels are kept open and watched. Online appeals are screened within "
                    "{screening_days} working days; offline appeals are registered at once and the citizen is told the process and "
                    "the expected reply date.",
                ),
                (
                    "訴求登記",
                    "Registration",
                    "Each appeal is registered with the appellant's details, the request, "
                    "time and channel, and given a number in electronic and paper records.",
                ),
            ],
        ),
        (
            ("民意訴求分類", "Categories of appeals"),
            [
                (
                    "諮詢類",
                    "Inquiries",
                    "Questions about the organisation's business, services, policies and regulations.",
                ),
                (
                    "投訴類",
                    "Complaints",
                    "Dissatisfaction with product quality, service level or work processes.",
                ),
                (
                    "建議類",
                    "Suggestions",
                    "Constructive proposals on development, management or improvements.",
                ),
                (
                    "求助類",
                    "Requests for help",
                    "Requests for help or support from individuals or groups in difficulty.",
                ),
                ("其他類", "Other", "Appeals that fit none of the categories above."),
            ],
        ),
        (
            ("民意訴求處理", "Handling appeals"),
            [
                (
                    "處理流程",
                    "Process",
                    "Screening and routing: simple inquiries are answered directly; other appeals "
                    "are routed to a department within {routing_days} working days. The department draws up a handling plan within "
                    "{handling_plan_days} working days: complaints are investigated, suggestions assessed, requests for help met with "
                    "coordinated resources. The draft is reviewed by the department head, and major or complex appeals "
                    "are approved by management, within the reply period. The result is sent to the appellant within "
                    "{reply_days} working days of receipt through the channel they used; if they are not satisfied, the department explains and "
                    "seeks a solution.",
                ),
                (
                    "處理方式",
                    "Methods",
                    "Direct answer for simple inquiries; investigation and handling for "
                    "complaints; adoption of valuable suggestions with an implementation plan; coordinated help for "
                    "requests for help.",
                ),
            ],
        ),
        (
            ("民意訴求跟蹤與督辦", "Tracking and supervision"),
            [
                (
                    "跟蹤機制",
                    "Tracking",
                    "A ledger of appeals is kept and followed until measures are carried out; "
                    "departments report progress until each appeal is resolved.",
                ),
                (
                    "督辦措施",
                    "Supervision measures",
                    "Departments that are slow receive a supervision notice; if there "
                    "is still no improvement the matter is escalated to management.",
                ),
            ],
        ),
        (
            ("民意訴求數據分析與利用", "Data analysis and use"),
            [
                (
                    "數據統計",
                    "Statistics",
                    "Appeals are counted regularly by type, number, handling and satisfaction.",
                ),
                (
                    "分析評估",
                    "Analysis",
                    "The figures are analysed to find hot and difficult issues and weak points, "
                    "and to propose improvements to policies and processes.",
                ),
                (
                    "決策參考",
                    "Input to decisions",
                    "The analysis informs the organisation's decisions so that "
                    "management and services keep improving.",
                ),
            ],
        ),
        (
            ("信息公開與保密", "Disclosure and confidentiality"),
            [
                (
                    "信息公開",
                    "Disclosure",
                    "How appeals are received, handled and answered is published regularly: "
                    "types, numbers, outcomes and satisfaction, open to public scrutiny.",
                ),
                (
                    "保密規定",
                    "Confidentiality",
                    "Personal and commercial information in appeals is kept strictly "
                    "confidential and never disclosed without the appellant's consent; staff sign confidentiality "
                    "agreements.",
                ),
            ],
        ),
        (
            ("考核與獎懲", "Assessment, rewards and penalties"),
            [
                (
                    "考核指標",
                    "Indicators",
                    "Assessment covers timely and accurate receipt, efficiency and quality of "
                    "handling including satisfaction, follow-through on supervision, and use of data analysis.",
                ),
                (
                    "獎勵措施",
                    "Rewards",
                    "Outstanding departments and individuals are commended and rewarded with "
                    "certificates, bonuses or promotion opportunities.",
                ),
                ("懲罰措施", "Penalties", ""),
            ],
        ),
    ],
}

POLICIES = [RECEPTION_MEASURES, APPEALS_MEASURES]

# --- Reception ---------------------------------------------------------------------------------

RECEPTION = {
    "slug": "reception",
    "title": ("接待時間與地點", "Reception hours and location"),
    "intro": (
        "歡迎親臨公民接待室反映意見，或透過熱線、電子郵件、信件及網上表單與我們聯絡。",
        "You are welcome to visit the citizen reception room in person, or to contact us by hotline, e-mail, "
        "letter or the online form.",
    ),
    "office": ("民意訴求服務中心 公民接待室", "Public Appeals Office, Citizen Reception Room"),
    "address": ("臺北市中正區民意路100號1樓", "1F, No. 100, Minyi Road, Zhongzheng District, Taipei"),
    "map_url": "https://www.openstreetmap.org/search?query=Zhongzheng%20District%20Taipei",
    "hotline": "(02) 2345-6789",
    "email": "appeals@example.org",
    "postal_address": (
        "10001 臺北市中正區民意路100號 民意訴求服務中心 收",
        "Public Appeals Office, No. 100, Minyi Road, Zhongzheng District, Taipei 10001",
    ),
    "walk_in_window": ("1樓大廳 3號接待窗口", "Reception window 3, ground-floor lobby"),
    "online_form_note": (
        "全天候受理，提交後取得編號及查詢碼。",
        "Open around the clock; you receive a reference number and access code.",
    ),
    "what_to_bring": (
        "<ul><li>身分證明文件</li><li>與訴求有關的書面材料、照片或收據</li>"
        "<li>如代他人提出訴求，請攜帶授權書</li></ul>",
        "<ul><li>An identity document</li><li>Documents, photos or receipts related to your appeal</li>"
        "<li>A letter of authorisation if you act for someone else</li></ul>",
    ),
    # Monday to Friday, with a lunch break; closed at weekends.
    "hours": [(day, time(9, 0), time(12, 0)) for day in range(5)]
    + [(day, time(13, 30), time(17, 30)) for day in range(5)],
    "exceptions": [
        (date(2026, 12, 25), "holiday", None, None),
        (date(2026, 12, 31), "special", time(9, 0), time(12, 0)),
        (date(2027, 1, 1), "holiday", None, None),
    ],
}

# --- Procedure ---------------------------------------------------------------------------------

PROCEDURE = {
    "slug": "procedure",
    "title": ("訴求辦理程序", "How an appeal is handled"),
    "intro": (
        "無論您透過哪一個渠道提出訴求，我們都依照《民意訴求管理辦法》的程序辦理。每一步的辦理時限如下。",
        "Whichever channel you use, your appeal is handled under the Public Opinion Appeals Management "
        "Measures. Each step has a time limit.",
    ),
    "steps": [
        (
            "登記受理",
            "Registration",
            "即時（網上提交即時發給編號）",
            "At once (online appeals receive a reference immediately)",
            "臨櫃、電話或信件提出的訴求由接待人員即時登記，並告知辦理流程及預計答復日期。",
            "Staff register visits, calls and letters at once and tell you the process and the expected reply date.",
        ),
        (
            "初審",
            "Screening",
            "收件後{screening_days}個工作日內",
            "Within {screening_days} working days of receipt",
            "審查訴求是否屬受理範圍；不予受理的，會說明理由；資料不足的，會請您補充。",
            "We check whether the appeal is within our remit; if not, we tell you why. If information is missing, we ask you for it.",
        ),
        (
            "直接答復或分流轉辦",
            "Direct answer or routing",
            "受理後{routing_days}個工作日內",
            "Within {routing_days} working days of acceptance",
            "簡單的諮詢由接待人員直接答復；其他訴求轉交承辦部門。",
            "Simple inquiries are answered directly; other appeals are routed to the department responsible.",
        ),
        (
            "承辦部門辦理",
            "Handling by the department",
            "{handling_plan_days}個工作日內提出處理方案",
            "Handling plan within {handling_plan_days} working days",
            "投訴類進行調查核實；建議類評估可行性；求助類協調資源。",
            "Complaints are investigated, suggestions assessed for feasibility, and help coordinated for requests for help.",
        ),
        (
            "審核與審批",
            "Review and approval",
            "答復期限內",
            "Within the reply period",
            "部門主管審核答復；重大、複雜的訴求另經管理層審批。",
            "The department head reviews the reply; major or complex appeals are also approved by management.",
        ),
        (
            "答復",
            "Reply",
            "收件後{reply_days}個工作日內",
            "Within {reply_days} working days of receipt",
            "依您提出訴求的渠道答復處理結果。",
            "We send the result through the channel you used.",
        ),
        (
            "回訪與辦結",
            "Follow-up and closing",
            "答復後{follow_up_days}個工作日內",
            "Within {follow_up_days} working days of the reply",
            "了解您對處理結果是否滿意；不滿意的，可再作說明或重新辦理。",
            "We ask whether you are satisfied; if not, we explain further or reopen the appeal.",
        ),
    ],
}

# --- FAQ -----------------------------------------------------------------------------------------

FAQ = {
    "slug": "faq",
    "title": ("常見問題", "Frequently asked questions"),
    "intro": ("以下整理市民最常詢問的問題。", "Answers to the questions citizens ask most often."),
    # Answers that begin with the weekly hours from the reception page.
    "hours_questions": {"接待時間是什麼時候？"},
    "categories": [
        (
            ("提出訴求", "Filing an appeal"),
            [
                (
                    "可以透過哪些渠道提出訴求？",
                    "How can I file an appeal?",
                    "您可以使用網上表單、服務熱線、電子郵件、信件，或親臨公民接待室提出訴求。",
                    "Use the online form, the hotline, e-mail, a letter, or visit the citizen reception room.",
                ),
                (
                    "如何提出投訴？",
                    "How do I make a complaint?",
                    "投訴可透過網上表單選擇「投訴」類別提出，或親臨接待室填寫《投訴登記表》。請說明事實經過並提供證據。",
                    "Choose the \u201ccomplaint\u201d category in the online form, or fill in the Complaint Registration Form at the reception room. Describe what happened and provide evidence.",
                ),
                (
                    "可以匿名提出訴求嗎？",
                    "Can I appeal anonymously?",
                    "可以，但匿名訴求無法接收答復，也可能因資料不足而難以查證。",
                    "Yes, but we cannot reply to an anonymous appeal, and it may be hard to verify.",
                ),
                (
                    "訴求有哪些類別？",
                    "What kinds of appeal are there?",
                    "訴求分為諮詢、投訴（舉報）、建議、求助及其他五類。",
                    "Appeals are inquiries, complaints (reports), suggestions, requests for help, or other.",
                ),
            ],
        ),
        (
            ("來訪接待", "Visiting us"),
            [
                (
                    "接待時間是什麼時候？",
                    "When is the reception room open?",
                    "國定假日休息；假期前後的調整會在最新消息公布。",
                    "Closed on public holidays; changes around the holidays are announced in the news.",
                ),
                (
                    "來訪需要預約嗎？",
                    "Do I need an appointment?",
                    "不需要預約；人數較多時請依號碼牌順序等候。",
                    "No appointment is needed; at busy times please take a queue number.",
                ),
                (
                    "來訪時應攜帶哪些資料？",
                    "What should I bring?",
                    "請攜帶身分證明文件及與訴求有關的材料；代他人提出時請攜帶授權書。",
                    "Bring an identity document and material related to your appeal, and a letter of authorisation if you act for someone else.",
                ),
            ],
        ),
        (
            ("辦理與答復", "Handling and replies"),
            [
                (
                    "多久可以收到答復？",
                    "How soon will I get a reply?",
                    "一般在收件後{reply_days}個工作日內答復；情況複雜的，會告知延長原因及預計日期。",
                    "Usually within {reply_days} working days of receipt; if the case is complex we tell you why and when to expect a reply.",
                ),
                (
                    "如何查詢辦理進度？",
                    "How can I check progress?",
                    "請在「查詢訴求」頁輸入編號及查詢碼。",
                    "Enter your reference number and access code on the \u201ctrack an appeal\u201d page.",
                ),
                (
                    "遺失查詢碼怎麼辦？",
                    "What if I lose my access code?",
                    "請攜帶身分證明文件致電熱線或親臨接待室，核實身分後可重新發給。",
                    "Call the hotline or visit us with an identity document; after checking your identity we issue a new one.",
                ),
                (
                    "對處理結果不滿意怎麼辦？",
                    "What if I am not satisfied with the result?",
                    "您可以在回訪時表示不滿意，我們會再作說明，必要時重新辦理。",
                    "Tell us when we follow up; we will explain further and reopen the appeal if needed.",
                ),
            ],
        ),
        (
            ("隱私與保密", "Privacy and confidentiality"),
            [
                (
                    "我的個人資料會公開嗎？",
                    "Will my personal details be published?",
                    "不會。訴求人的身分、聯絡方式及附件均予保密，只有辦理人員可以查閱。",
                    "No. Your identity, contact details and attachments are confidential and seen only by the staff handling your appeal.",
                ),
            ],
        ),
    ],
}

# --- Notices ---------------------------------------------------------------------------------------

NOTICES_INDEX = {
    "slug": "notices",
    "title": ("通知公告", "Notices"),
    "intro": ("本中心的最新消息與公告。", "News and announcements from the office."),
}

NOTICES = [
    {
        "slug": "year-end-reception-hours",
        "date": date(2026, 11, 20),
        "title": ("年終假期接待時間調整", "Reception hours over the year-end holidays"),
        "summary": (
            "12月25日及1月1日休息，12月31日只在上午接待。",
            "Closed on 25 December and 1 January; morning only on 31 December.",
        ),
        "body": (
            "<p>配合國定假日，公民接待室於12月25日及1月1日休息，12月31日只在上午9時至12時接待。網上表單照常受理。</p>",
            "<p>Because of public holidays the citizen reception room is closed on 25 December and 1 January, and open only from 9:00 to 12:00 on 31 December. The online form stays open.</p>",
        ),
    },
    {
        "slug": "online-appeals-launched",
        "date": date(2026, 10, 5),
        "title": ("網上訴求平臺正式啟用", "Online appeals platform launched"),
        "summary": (
            "市民可全天候在網上提出及查詢訴求。",
            "Citizens can now file and track appeals online at any time.",
        ),
        "body": (
            "<p>民意訴求網上平臺正式啟用。提交訴求後，您會取得編號及查詢碼，可隨時查詢辦理進度。</p>",
            "<p>The online appeals platform is now open. After filing an appeal you receive a reference number and an access code to check its progress at any time.</p>",
        ),
    },
    {
        "slug": "measures-published",
        "date": date(2026, 9, 15),
        "title": ("公布公民接待及民意訴求管理辦法", "Reception and appeals management measures published"),
        "summary": (
            "兩項管理辦法全文已刊登於本網站。",
            "The full text of both management measures is now on this site.",
        ),
        "body": (
            "<p>《公民接待管理辦法》及《民意訴求管理辦法》全文已刊登於「規章制度」專區，歡迎查閱。</p>",
            "<p>The Citizen Reception Management Measures and the Public Opinion Appeals Management Measures are now published in the Rules section.</p>",
        ),
    },
]

RULES_INDEX = {
    "slug": "rules",
    "title": ("規章制度", "Rules"),
    "intro": (
        "本中心辦理公民接待及民意訴求所依據的管理辦法。",
        "The measures the office follows when it receives citizens and handles appeals.",
    ),
}

SETTINGS = {
    "hotline": "(02) 2345-6789",
    "email": "appeals@example.org",
    # The reception hours follow in the footer, from the reception page.
    "footer_zh_hant": "民意訴求服務中心　臺北市中正區民意路100號",
    "footer_zh_hans": "民意诉求服务中心　台北市中正区民意路100号",
    "footer_en": "Public Appeals Office · No. 100, Minyi Road, Zhongzheng District, Taipei",
}
