"""Case search quality on a fixed, labelled corpus.

Builds a throwaway SQLite database, adds 300 seeded synthetic cases (generate_cases) as distractors and
the labelled cases below, then runs every labelled query (zh-Hant, zh-Hans, English, place names,
partial words, personal data) through the staff case search as a supervisor sees it. Prints one line
per miss, then, last:

    recall@10=… mrr=…

    .venv/bin/python bench/search_quality.py [--distractors 300]
"""

import argparse
import os
import sys
import tempfile
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

# (query, relevant keys)
QUERIES = [
    # zh-Hant
    ("和平公園 噪音", {"heping-noise"}),
    ("廣場舞", {"heping-noise"}),
    ("捷運工地", {"construction-night"}),
    ("打樁 震動", {"construction-night"}),
    ("坑洞 重慶南路", {"pothole"}),
    ("流浪犬", {"stray-dogs"}),
    ("地下道積水", {"flooding"}),
    ("圖書館 閉館", {"library-hours"}),
    ("公車站牌", {"bus-stop"}),
    ("中低收入戶", {"subsidy-inquiry"}),
    ("獨居老人 送餐", {"elder-meals"}),
    ("油煙 燒烤", {"restaurant-smoke"}),
    ("消防通道", {"illegal-parking"}),
    ("行道樹", {"tree-fall"}),
    ("水錶故障", {"water-bill"}),
    ("傳統市場 老鼠", {"market-hygiene"}),
    ("自行車專用道 敦化南路", {"bike-lane"}),
    ("學童 接送", {"school-zone"}),
    ("酒吧 喧嘩", {"noise-bar"}),
    ("黑煙", {"air-pollution"}),
    ("身分證 補發", {"id-card"}),
    ("社會住宅 電梯", {"simplified-elevator"}),
    ("垃圾清運 小區", {"simplified-rubbish"}),
    # zh-Hans typed against zh-Hant text
    ("和平公园 噪音", {"heping-noise"}),
    ("捷运 施工", {"construction-night"}),
    ("流浪犬 碧湖公园", {"stray-dogs"}),
    ("地下道积水", {"flooding"}),
    ("图书馆", {"library-hours"}),
    ("独居老人", {"elder-meals"}),
    ("违规停车 消防", {"illegal-parking"}),
    ("传统市场 卫生", {"market-hygiene"}),
    ("学校 交通安全", {"school-zone"}),
    ("工厂 黑烟", {"air-pollution"}),
    ("身份证", {"id-card"}),
    # English
    ("streetlight Keelung", {"streetlight-english"}),
    ("STREETLIGHT", {"streetlight-english"}),
    ("wi-fi city hall", {"english-wifi"}),
    ("lamp replaced", {"streetlight-english"}),
    # place names
    ("信義區 松仁路", {"construction-night"}),
    ("內湖區 碧湖公園", {"stray-dogs"}),
    ("福林地下道", {"flooding"}),
    ("文山分館", {"library-hours"}),
    ("南港展覽館", {"bus-stop"}),
    ("萬華區 獨居", {"elder-meals"}),
    ("林森北路", {"restaurant-smoke"}),
    ("八德路", {"illegal-parking"}),
    ("仁愛路四段", {"tree-fall"}),
    ("南門市場", {"market-hygiene"}),
    ("北投國小", {"school-zone"}),
    ("迪化街", {"noise-bar"}),
    ("關渡工業區", {"air-pollution"}),
    ("興隆", {"simplified-elevator"}),
    # partial words, timeline and outcomes
    ("清晨五點", {"heping-noise"}),
    ("管制法", {"construction-night"}),
    ("抽水", {"flooding"}),
    ("上班族", {"library-hours"}),
    ("動保處", {"stray-dogs"}),
    ("複查", {"restaurant-smoke"}),
    ("按日連續處罰", {"air-pollution"}),
    ("戶政事務所 李小姐", {"thanks"}),
    ("app 503", {"fullwidth-code"}),
    ("市民卡", {"fullwidth-code"}),
    # personal data (a supervisor may search it)
    ("林美玲", {"heping-noise"}),
    ("0955666777", {"noise-bar"}),
    ("王伟", {"simplified-rubbish"}),
    ("John Smith", {"streetlight-english"}),
]


def build(distractors):
    from django.core.management import call_command

    from casework.models import Case, Category, Channel, Event, Outcome

    if distractors:
        call_command("generate_cases", distractors, seed=7, verbosity=0)
    ids = {}
    for key, (subject, content, notes, measures, name, phone, address) in CORPUS.items():
        case = Case.objects.create(
            access_code_hash="!",
            channel=Channel.WEB,
            category=Category.COMPLAINT,
            subject=subject,
            content=content,
            citizen_name=name,
            citizen_phone=phone,
            citizen_address=address,
        )
        for note in notes:
            Event.objects.create(case=case, kind=Event.Kind.NOTE, text=note)
        if measures:
            Outcome.objects.create(case=case, measures=measures)
        ids[case.pk] = key
    call_command("rebuild_case_index", verbosity=0)  # the distractors were bulk-created
    return ids


def evaluate(ids):
    from search import cases

    everyone = cases.Scope(departments=None, personal=None)
    recall_sum = reciprocal_sum = 0.0
    for query, relevant in QUERIES:
        results = cases.database_search(everyone, query, cases.Filters(), "relevance", 1, 10)
        ranked = [ids.get(case.pk) for case in results.cases]
        hits = relevant.intersection(ranked)
        recall_sum += len(hits) / len(relevant)
        first = next((rank for rank, key in enumerate(ranked, 1) if key in relevant), None)
        reciprocal_sum += 1 / first if first else 0
        if len(hits) < len(relevant) or first != 1:
            print(f"{query!r}: first relevant at {first}, found {results.total}, top {ranked[:3]}")
    count = len(QUERIES)
    return recall_sum / count, reciprocal_sum / count


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
    recall, mrr = evaluate(ids)
    print(f"queries={len(QUERIES)} corpus={len(CORPUS)} distractors={args.distractors}")
    print(f"recall@10={recall:.3f} mrr={mrr:.3f}")


if __name__ == "__main__":
    main()
