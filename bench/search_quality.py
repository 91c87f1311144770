"""Case search quality on a fixed, labelled corpus.

Builds a throwaway SQLite database, adds 300 seeded synthetic cases (generate_cases) as distractors and
the labelled cases below, then runs every labelled query (zh-Hant, zh-Hans, English, place names,
partial words, personal data, numbers with units, subject first) through the staff case search as a supervisor sees it. Prints one line
per miss, the figures per kind of query, then, last:

    recall@10=… mrr=… ndcg@10=…

    .venv/bin/python bench/search_quality.py [--distractors 300]
"""

import argparse
import math
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# key: (subject, content, timeline notes, outcome measures, citizen name, phone, address)
CORPUS = {
    "heping-noise": (
        "和平公園廣場舞噪音",
        "每天清晨五點和平公園有廣場舞，音響很大聲，附近居民無法休息。",
        ["已聯繫里長協調音量。"],
        "勸導降低音量並調整時段",
        "林美玲",
        "0922111333",
        "臺北市大安區和平東路二段100號",
    ),
    "construction-night": (
        "捷運工地夜間施工",
        "信義區松仁路捷運工程半夜打樁，震動與噪音嚴重。",
        ["環保局夜間稽查，量測超標。"],
        "依噪音管制法開立罰單",
        "張建宏",
        "0933222444",
        "",
    ),
    "simplified-rubbish": (
        "小区垃圾清运不及时",
        "我们小区的垃圾已经三天没有人清运，气味很难闻。",
        ["已通知清洁队加派车辆。"],
        "",
        "王伟",
        "13800138000",
        "",
    ),
    "streetlight-english": (
        "Broken streetlight on Keelung Road",
        "The streetlight outside number 45 Keelung Road has been off for two weeks; the crossing is dark.",
        ["Maintenance crew scheduled."],
        "Lamp replaced",
        "John Smith",
        "0911000111",
        "",
    ),
    "pothole": (
        "重慶南路坑洞",
        "重慶南路一段靠近北門的路面有大坑洞，機車騎士容易摔倒。",
        [],
        "已完成路面刨鋪",
        "",
        "",
        "",
    ),
    "stray-dogs": (
        "流浪犬聚集",
        "內湖區碧湖公園附近有多隻流浪犬，晚上追咬路人。",
        ["動保處已派員捕捉。"],
        "",
        "",
        "",
        "",
    ),
    "flooding": (
        "地下道積水",
        "颱風過後，士林區福林地下道積水超過膝蓋，車輛無法通行。",
        ["工務局抽水機已到場。"],
        "增設抽水站",
        "",
        "",
        "",
    ),
    "library-hours": (
        "建議延長圖書館開放時間",
        "文山分館晚上八點就閉館，希望延長到十點，方便上班族借書。",
        [],
        "",
        "",
        "",
        "",
    ),
    "bus-stop": (
        "建議增設公車站牌",
        "南港展覽館附近缺少公車站牌，民眾要走很遠才能搭車。",
        ["交通局評估中。"],
        "",
        "",
        "",
        "",
    ),
    "subsidy-inquiry": (
        "中低收入戶補助資格",
        "請問申請中低收入戶生活補助需要哪些證明文件？",
        [],
        "",
        "",
        "",
        "",
    ),
    "elder-meals": (
        "獨居老人送餐",
        "萬華區有位獨居老人行動不便，希望社會局提供送餐服務。",
        ["社工已訪視並安排送餐。"],
        "",
        "",
        "",
        "",
    ),
    "restaurant-smoke": (
        "餐廳油煙排放",
        "中山區林森北路一家燒烤店油煙直接排向住宅後巷，衣服都有油味。",
        ["稽查發現未裝設油煙處理設備。"],
        "限期改善並複查",
        "",
        "",
        "",
    ),
    "illegal-parking": (
        "違規停車占用消防通道",
        "松山區八德路巷口常有車輛違停，擋住消防車通道。",
        ["警察局加強取締。"],
        "",
        "",
        "",
        "",
    ),
    "tree-fall": (
        "行道樹傾倒",
        "仁愛路四段行道樹被風吹倒，壓到停放的機車。",
        ["公園處已移除倒樹。"],
        "",
        "",
        "",
        "",
    ),
    "water-bill": (
        "水費帳單異常",
        "這個月的水費突然比平常高三倍，懷疑水錶故障。",
        ["自來水處派員校驗水錶。"],
        "",
        "",
        "",
        "",
    ),
    "simplified-elevator": (
        "社会住宅电梯故障",
        "兴隆社会住宅的电梯已经停运一周，老人上下楼很困难。",
        [],
        "",
        "",
        "",
        "",
    ),
    "english-wifi": (
        "Free Wi-Fi not working at City Hall station",
        "The free public Wi-Fi at City Hall MRT station keeps disconnecting.",
        [],
        "",
        "",
        "",
        "",
    ),
    "market-hygiene": (
        "傳統市場衛生",
        "南門市場攤商把污水直接倒在排水溝，老鼠很多。",
        ["衛生局稽查並要求清潔。"],
        "",
        "",
        "",
        "",
    ),
    "bike-lane": (
        "建議劃設自行車道",
        "敦化南路車流量大，希望劃設自行車專用道保障單車族安全。",
        [],
        "",
        "",
        "",
        "",
    ),
    "school-zone": (
        "學校周邊交通安全",
        "北投國小放學時段接送車輛併排，學童穿越馬路很危險。",
        ["建議設置交通導護。"],
        "",
        "",
        "",
        "",
    ),
    "noise-bar": (
        "酒吧深夜喧嘩",
        "大同區迪化街一家酒吧營業到凌晨三點，客人在門口喧嘩。",
        [],
        "",
        "陳志偉",
        "0955666777",
        "",
    ),
    "air-pollution": (
        "工廠排放黑煙",
        "北投區關渡工業區有工廠排放黑煙，空氣很刺鼻。",
        ["環保局已採樣檢驗空氣品質。"],
        "按日連續處罰",
        "",
        "",
        "",
    ),
    "id-card": (
        "身分證遺失補發",
        "身分證遺失了，請問補發要帶什麼證件，可以在哪個戶政事務所辦理？",
        [],
        "",
        "",
        "",
        "",
    ),
    "thanks": (
        "感謝戶政人員",
        "感謝中正區戶政事務所的李小姐耐心協助辦理。",
        [],
        "",
        "",
        "",
        "",
    ),
    "english-leak": (
        "Water leaking through the ceiling",
        "Rain water leaks from the ceiling of the community centre hall every time it rains.",
        [],
        "",
        "",
        "",
        "",
    ),
    "english-flood": (
        "Underpass floods after rain",
        "The Zhongxiao underpass flooded again last night; cars were stuck.",
        [],
        "",
        "",
        "",
        "",
    ),
    "taxi-detour": (
        "計程車司機繞路多收費",
        "搭乘計程車從臺北車站到松山機場，司機故意繞路，車資比平常多一倍。",
        [],
        "",
        "",
        "",
        "",
    ),
    "kiosk-software": (
        "區公所叫號機軟體當機",
        "中山區公所的叫號機軟體一直當機，民眾只能在櫃台前排隊。",
        [],
        "",
        "",
        "",
        "",
    ),
    "plate-parking": (
        "車牌ABC-1234長期占用身障車位",
        "社區停車場有一輛車牌ABC-1234的汽車長期停在身障車位。",
        [],
        "",
        "",
        "",
        "",
    ),
    "lamp-post": (
        "路燈A12號不亮",
        "文山區木柵路編號A-12的路燈已經不亮一週。",
        [],
        "",
        "",
        "",
        "",
    ),
    "bus-52": (
        "52路公車過站不停",
        "每天早上在松江路口等52路公車，司機常常過站不停。",
        [],
        "",
        "",
        "",
        "",
    ),
    "address-52": (
        "幸福路52號前水溝堵塞",
        "幸福路52號前的水溝堵塞發臭，下雨就淹到騎樓。",
        [],
        "",
        "",
        "",
        "",
    ),
    "bus-307": (
        "307路公車班次太少",
        "307路公車尖峰時段要等三十分鐘，希望增加班次。",
        [],
        "",
        "",
        "",
        "",
    ),
    "address-307": (
        "中正路307號騎樓被攤販占用",
        "中正路307號騎樓被攤販占用，行人只能走到馬路上。",
        [],
        "",
        "",
        "",
        "",
    ),
    "park-toilet": (
        "河濱公園公廁髒亂",
        "河濱公園的公廁沒有衛生紙，地板積水，氣味很重。",
        [],
        "",
        "",
        "",
        "",
    ),
    "night-market": (
        "夜市攤販占用車道",
        "夜市攤販擺到車道上，機車只能逆向，附近公廁也不夠用。",
        [],
        "",
        "",
        "",
        "",
    ),
    "power-cut": (
        "社區無預警停電",
        "昨晚社區無預警停電四小時，冰箱裡的食物都壞了。",
        [],
        "",
        "",
        "",
        "",
    ),
    "elevator-stuck": (
        "電梯故障受困",
        "住戶受困電梯半小時，管委會說上週停電後就常故障。",
        [],
        "",
        "",
        "",
        "",
    ),
    "fullwidth-code": (
        "ＡＰＰ無法登入",
        "市民卡ＡＰＰ更新後一直顯示錯誤代碼５０３。",
        [],
        "",
        "",
        "",
        "",
    ),
}

# (query, relevant keys, kind): the kind groups the figures.
QUERIES = [
    ("和平公園 噪音", {"heping-noise"}, "zh-Hant"),
    ("廣場舞", {"heping-noise"}, "zh-Hant"),
    ("捷運工地", {"construction-night"}, "zh-Hant"),
    ("打樁 震動", {"construction-night"}, "zh-Hant"),
    ("坑洞 重慶南路", {"pothole"}, "zh-Hant"),
    ("流浪犬", {"stray-dogs"}, "zh-Hant"),
    ("地下道積水", {"flooding"}, "zh-Hant"),
    ("圖書館 閉館", {"library-hours"}, "zh-Hant"),
    ("公車站牌", {"bus-stop"}, "zh-Hant"),
    ("中低收入戶", {"subsidy-inquiry"}, "zh-Hant"),
    ("獨居老人 送餐", {"elder-meals"}, "zh-Hant"),
    ("油煙 燒烤", {"restaurant-smoke"}, "zh-Hant"),
    ("消防通道", {"illegal-parking"}, "zh-Hant"),
    ("行道樹", {"tree-fall"}, "zh-Hant"),
    ("水錶故障", {"water-bill"}, "zh-Hant"),
    ("傳統市場 老鼠", {"market-hygiene"}, "zh-Hant"),
    ("自行車專用道 敦化南路", {"bike-lane"}, "zh-Hant"),
    ("學童 接送", {"school-zone"}, "zh-Hant"),
    ("酒吧 喧嘩", {"noise-bar"}, "zh-Hant"),
    ("黑煙", {"air-pollution"}, "zh-Hant"),
    ("身分證 補發", {"id-card"}, "zh-Hant"),
    ("社會住宅 電梯", {"simplified-elevator"}, "zh-Hant"),
    ("垃圾清運 小區", {"simplified-rubbish"}, "zh-Hant"),
    ("和平公园 噪音", {"heping-noise"}, "zh-Hans"),
    ("捷运 施工", {"construction-night"}, "zh-Hans"),
    ("流浪犬 碧湖公园", {"stray-dogs"}, "zh-Hans"),
    ("地下道积水", {"flooding"}, "zh-Hans"),
    ("图书馆", {"library-hours"}, "zh-Hans"),
    ("独居老人", {"elder-meals"}, "zh-Hans"),
    ("违规停车 消防", {"illegal-parking"}, "zh-Hans"),
    ("传统市场 卫生", {"market-hygiene"}, "zh-Hans"),
    ("学校 交通安全", {"school-zone"}, "zh-Hans"),
    ("工厂 黑烟", {"air-pollution"}, "zh-Hans"),
    ("身份证", {"id-card"}, "zh-Hans"),
    ("streetlight Keelung", {"streetlight-english"}, "English"),
    ("STREETLIGHT", {"streetlight-english"}, "English"),
    ("wi-fi city hall", {"english-wifi"}, "English"),
    ("lamp replaced", {"streetlight-english"}, "English"),
    ("信義區 松仁路", {"construction-night"}, "places"),
    ("內湖區 碧湖公園", {"stray-dogs"}, "places"),
    ("福林地下道", {"flooding"}, "places"),
    ("文山分館", {"library-hours"}, "places"),
    ("南港展覽館", {"bus-stop"}, "places"),
    ("萬華區 獨居", {"elder-meals"}, "places"),
    ("林森北路", {"restaurant-smoke"}, "places"),
    ("八德路", {"illegal-parking"}, "places"),
    ("仁愛路四段", {"tree-fall"}, "places"),
    ("南門市場", {"market-hygiene"}, "places"),
    ("北投國小", {"school-zone"}, "places"),
    ("迪化街", {"noise-bar"}, "places"),
    ("關渡工業區", {"air-pollution"}, "places"),
    ("興隆", {"simplified-elevator"}, "places"),
    ("清晨五點", {"heping-noise"}, "partial words"),
    ("管制法", {"construction-night"}, "partial words"),
    ("抽水", {"flooding"}, "partial words"),
    ("上班族", {"library-hours"}, "partial words"),
    ("動保處", {"stray-dogs"}, "partial words"),
    ("複查", {"restaurant-smoke"}, "partial words"),
    ("按日連續處罰", {"air-pollution"}, "partial words"),
    ("戶政事務所 李小姐", {"thanks"}, "partial words"),
    ("app 503", {"fullwidth-code"}, "partial words"),
    ("市民卡", {"fullwidth-code"}, "partial words"),
    ("林美玲", {"heping-noise"}, "personal data"),
    ("0955666777", {"noise-bar"}, "personal data"),
    ("王伟", {"simplified-rubbish"}, "personal data"),
    ("John Smith", {"streetlight-english"}, "personal data"),
    # inflections: an English word whatever its ending
    ("broken streetlights", {"streetlight-english"}, "inflections"),
    ("leak ceiling", {"english-leak"}, "inflections"),
    ("flooded underpass", {"english-flood"}, "inflections"),
    # regional vocabulary: Taiwan and mainland words for the same thing
    ("出租车 绕路", {"taxi-detour"}, "regional"),
    ("計程車 繞路", {"taxi-detour"}, "regional"),
    ("身份证 补发", {"id-card"}, "regional"),
    ("软件 当机", {"kiosk-software"}, "regional"),
    # identifiers, however they are typed
    ("ABC1234", {"plate-parking"}, "identifiers"),
    ("abc 1234", {"plate-parking"}, "identifiers"),
    ("路燈 A12", {"lamp-post"}, "identifiers"),
    # a pasted sentence no case holds word for word
    ("我家附近的計程車司機故意繞路還多收錢請處理", {"taxi-detour"}, "pasted sentence"),
    ("社區公園的廣場舞每天清晨都很吵希望能管一管", {"heping-noise"}, "pasted sentence"),
    # numbers and their units: a bus route is not a house number with the same digits
    ("52路", {"bus-52"}, "numbers with units"),
    ("幸福路52號", {"address-52"}, "numbers with units"),
    ("307路", {"bus-307"}, "numbers with units"),
    ("中正路307號", {"address-307"}, "numbers with units"),
    # the subject above a passing mention
    ("路燈", {"lamp-post"}, "subject first"),
    ("公廁", {"park-toilet"}, "subject first"),
    ("停電", {"power-cut"}, "subject first"),
]


def build(distractors):
    """The distractors, then each labelled case filed and handled through the workflow's commands,
    as staff would: registered, its notes added, and where it has measures routed, planned and its
    outcome recorded."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from casework import workflow
    from casework.models import Category, Channel, Department
    from demo.cases import DEMO_DEPARTMENT, load_departments, load_staff

    load_departments()
    load_staff()
    if distractors:
        call_command("generate_cases", distractors, seed=7, index=True, verbosity=0)
    users = get_user_model().objects
    intake, handler = users.get(username="intake"), users.get(username="handler")
    department = Department.objects.get(code=DEMO_DEPARTMENT)
    ids = {}
    for key, (subject, content, notes, measures, name, phone, address) in CORPUS.items():
        case, _code = workflow.register_case(
            actor=intake,
            channel=Channel.HOTLINE,
            category=Category.COMPLAINT,
            subject=subject,
            content=content,
            citizen_name=name,
            citizen_phone=phone,
            citizen_address=address,
        )
        for note in notes:
            workflow.add_note(case, intake, note)
        if measures:
            workflow.accept(case, intake)
            workflow.route(case, intake, department)
            workflow.record_handling_plan(case, handler, "依程序辦理。")
            workflow.record_outcome(case, handler, characterisation="屬實", measures=measures)
        ids[case.pk] = key
    return ids


def ndcg_at_10(ranked, relevant):
    """Normalised discounted cumulative gain of the first ten results (relevance 1 or 0)."""
    gain = sum(1 / math.log2(rank + 1) for rank, key in enumerate(ranked[:10], 1) if key in relevant)
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(len(relevant), 10) + 1))
    return gain / ideal


def evaluate(ids):
    """{kind: (queries, recall@10, mrr, ndcg@10)} and the same over every query under "all"."""
    from search import cases

    everyone = cases.Scope(departments=None, personal=None)
    figures = defaultdict(lambda: [0, 0.0, 0.0, 0.0])
    for query, relevant, kind in QUERIES:
        results = cases.database_search(everyone, query, cases.Filters(), "relevance", 1, 10)
        ranked = [ids.get(case.pk) for case in results.cases]
        hits = relevant.intersection(ranked)
        first = next((rank for rank, key in enumerate(ranked, 1) if key in relevant), None)
        for name in (kind, "all"):
            figure = figures[name]
            figure[0] += 1
            figure[1] += len(hits) / len(relevant)
            figure[2] += 1 / first if first else 0
            figure[3] += ndcg_at_10(ranked, relevant)
        if len(hits) < len(relevant) or first != 1:
            print(f"{kind}: {query!r}: first relevant at {first}, found {results.total}, top {ranked[:3]}")
    return {name: (n, recall / n, mrr / n, ndcg / n) for name, (n, recall, mrr, ndcg) in figures.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distractors", type=int, default=300)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="search-quality-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/quality.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "appeals.settings.test"
    os.environ.pop("ELASTICSEARCH_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    ids = build(args.distractors)
    figures = evaluate(ids)
    print(f"queries={len(QUERIES)} corpus={len(CORPUS)} distractors={args.distractors}")
    for name, (count, recall, mrr, ndcg) in figures.items():
        if name != "all":
            print(f"  {name:<18} n={count:<3} recall@10={recall:.3f} mrr={mrr:.3f} ndcg@10={ndcg:.3f}")
    _count, recall, mrr, ndcg = figures["all"]
    print(f"recall@10={recall:.3f} mrr={mrr:.3f} ndcg@10={ndcg:.3f}")


if __name__ == "__main__":
    main()
