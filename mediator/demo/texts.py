"""Vocabulary for ``mediator demo``: names, places and the texts of synthetic cases.

This is sample DATA (Chinese, like the ledgers it imitates), not interface text, so it does not
go through the i18n catalog. The templates are written with ASCII ``,;:()`` for legibility
and given Chinese punctuation at import (:func:`zh`), as a mediator's input method types it
and as the services store typed text (punctuation kept), so generated rows look like rows
typed through the application.

A scenario keeps the facts, the requests, the agreed terms and the failure reason of one kind
of dispute together so that they tell one coherent story. Placeholders (``{a}`` applicant,
``{b}`` respondent, ``{v}`` village, ``{amt}`` claimed yuan, ``{agreed}`` agreed yuan,
``{pay}`` payment arrangement, ``{duty_due}`` date of a non-money duty, …) are filled by
:mod:`mediator.demo`; ``FILL_KEYS`` lists every one a template may use.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

_CJK = "\u3400-\u9fff"
#: ASCII punctuation written between Chinese words (and template fields) in the templates below,
#: turned into the full-width marks a mediator's input method types: the stored texts keep
#: typed punctuation (``validate.normalise_text``), so the demo's do too.
_ZH_MARKS = re.compile(rf"(?<=[{_CJK}}}）”。0-9])\s*([,;:])\s*(?=[{_CJK}{{（“])")
_ZH_OPEN = re.compile(rf"(?<=[{_CJK}}}])\(")
_ZH_CLOSE = re.compile(rf"(?<=[{_CJK}])\)")
_FULL = {",": "，", ";": "；", ":": "："}


def zh(text: str) -> str:
    """Chinese punctuation for ASCII ``,;:()`` between Chinese words; trimmed."""
    text = _ZH_CLOSE.sub("）", _ZH_OPEN.sub("（", text))
    return _ZH_MARKS.sub(lambda m: _FULL[m.group(1)], text).strip()


def _n(text: str) -> str:
    return zh(text)


# --- people ------------------------------------------------------------------------------

#: common surnames, most frequent first (the generator weights the head of the list).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔向汤楼俞应虞裘章鲍傅舒施盛翁洪"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容",
                     "令狐", "司徒", "夏侯")
MALE_CHARS = "伟强磊军勇杰涛明超刚平辉建国华林斌波鹏飞宇浩峰志文东海亮晨阳俊杭君凯鑫立新荣德福生根水金忠庆"
FEMALE_CHARS = "芳娜敏静丽艳娟秀霞桂英玉兰萍红燕琳婷雪慧颖晶倩琴梅莉凤美佳欣怡丹萱彤雅"

ETHNICITIES = ("汉族",) * 18 + ("畲族", "回族")

#: (division code, hometown) of migrant workers' household registration (real county codes).
HOMETOWNS = (
    ("511623", "四川省邻水县"), ("412726", "河南省郸城县"), ("342221", "安徽省砀山县"),
    ("430524", "湖南省隆回县"), ("522427", "贵州省威宁县"), ("362427", "江西省遂川县"),
)

MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "180", "181",
    "182", "183", "185", "186", "187", "188", "189", "191", "193", "195", "198", "199",
)

PROVINCE_SHORT = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑",
    "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫",
    "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "贵",
    "53": "云", "54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新",
}

# --- the demo office -----------------------------------------------------------------------

OFFICE_NAME = "青石镇人民调解委员会"
OFFICE_SHORT = "青石"
OFFICE_CODE = "330106001"
#: (village part of the 12-digit code, name, relative population). 0xx are 社区 (urban), 2xx 村.
VILLAGES = (
    ("001", "青石社区", 9), ("002", "下湾社区", 7), ("201", "青石村", 8), ("202", "东岭村", 6),
    ("203", "西坞村", 5), ("204", "南山村", 5), ("205", "北塘村", 4), ("206", "溪口村", 6),
    ("207", "上庄村", 4), ("208", "桃源村", 3), ("209", "石门村", 3), ("210", "竹林村", 2),
)
MEDIATOR_TITLES = ("调委会主任", "专职人民调解员", "专职人民调解员", "专职人民调解员",
                   "专职人民调解员", "兼职人民调解员", "兼职人民调解员", "司法所干部")
LEADER_TITLES = ("镇党委副书记", "镇长", "镇政法委员", "副镇长", "镇人大主席")
ESTATES = ("锦绣苑", "阳光花园", "青石新村", "溪畔家园", "桂花苑")

# --- organisations -----------------------------------------------------------------------

BRANDS = ("宏达", "鑫源", "恒信", "华宇", "永盛", "金鼎", "瑞丰", "博远", "中联", "顺发", "天成",
          "润和", "佳禾", "明远", "新越", "东升", "万通", "嘉禾", "信达", "森茂")
ORG_KINDS = {
    "labour": ("建筑劳务有限公司", "建筑劳务有限公司", "劳务分包有限公司"),
    "builder": ("建设工程有限公司", "建筑工程有限公司"),
    "decor": ("装饰工程有限公司", "建筑装饰有限公司"),
    "factory": ("五金制品厂", "家具有限公司", "纺织有限公司", "机械配件厂", "包装材料有限公司"),
    "farm": ("农业开发有限公司", "生态农业专业合作社", "茶叶专业合作社"),
    "shop": ("家电商行", "电器经营部", "建材商行", "汽车维修服务部", "美容美发店", "健身会所"),
    "travel": ("旅行社有限公司", "国际旅行社有限公司"),
    "property": ("物业管理有限公司", "物业服务有限公司"),
    "clinic": ("诊所", "中医诊所"),
    "trade": ("电子商务有限公司", "商贸有限公司"),
}

# --- fill-in words -----------------------------------------------------------------------

WORDS: dict[str, tuple[str, ...]] = {
    "place": ("村口", "菜市场门口", "小卖部门前", "文化礼堂前", "村道边", "祠堂前"),
    "hill": ("后山", "大坞岭", "松树湾", "茶园坡", "竹山脚"),
    "tree": ("香樟", "桂花", "柿子", "毛竹", "水杉"),
    "crop": ("茶叶", "水稻", "草莓", "葡萄", "毛竹笋", "蔬菜"),
    "animal": ("鸡鸭", "山羊", "黄牛", "鹅"),
    "project": ("青石大道拓宽工程", "溪口安置小区", "镇卫生院迁建项目", "工业园区二期",
                "高铁站配套道路", "美丽乡村改造工程"),
    "job": ("钢筋", "木工", "泥水", "油漆", "水电安装"),
    "biz": ("农家乐", "竹制品加工作坊", "茶叶加工厂", "小吃店", "养鸡场"),
    "biz2": ("仓储", "家具加工", "竹木加工", "快递分拣"),
    "goods": ("化肥、农药", "水泥、砂石", "钢材、木材", "饲料"),
    "shop": ("农资店", "建材店", "五金店", "饲料店"),
    "appliance": ("空调", "冰箱", "洗衣机", "热水器", "电动自行车"),
    "illness": ("感冒发热", "腹痛", "咽喉炎", "腰腿疼痛"),
    "dest": ("黄山", "千岛湖", "婺源", "厦门", "桂林"),
    "road": ("青石大道", "东岭路", "溪口线", "104国道", "青山路口", "南山隧道口"),
    "item2": ("手机", "笔记本电脑", "电动车", "相机", "茶叶"),
    "rumor": ("欠钱不还、人品有问题", "卖的茶叶掺假", "偷了邻居家的东西"),
    "brand": ("青石香", "溪口鲜", "东岭红"),
    "goods2": ("茶叶", "笋干", "年糕", "土蜂蜜"),
    "car": ("小轿车", "商品房", "电动三轮车"),
    "kin": ("父亲", "母亲", "丈夫", "妻子"),
}

LAWS = {
    "MARRIAGE_FAMILY": "民法典", "NEIGHBOUR": "民法典", "HOUSE_HOMESTEAD": "土地管理法",
    "CONTRACT": "民法典", "BUSINESS": "民法典", "DAMAGES": "民法典",
    "FOREST_LAND": "农村土地承包法", "LAND_ACQUISITION": "土地管理法",
    "POLLUTION": "环境保护法", "LABOUR": "劳动合同法", "WAGE_ARREARS": "保障农民工工资支付条例",
    "TOURISM": "旅游法", "CONSUMER": "消费者权益保护法", "MEDICAL": "医疗纠纷预防和处理条例",
    "TRAFFIC": "道路交通安全法", "PROPERTY_MGMT": "物业管理条例", "IP": "商标法",
    "INTERNET": "电子商务法", "OTHER": "民法典",
}


@dataclass(frozen=True)
class Scenario:
    """One kind of dispute of one type, told coherently from facts to agreement."""

    facts: str
    requests: str
    terms: str
    responsibilities: str
    #: claimed amount range in yuan; None: nothing to pay
    money: tuple[int, int] | None = None
    #: who pays: "b" (respondent) or "a" (applicant)
    payer: str = "b"
    #: a duty besides money (拆除、修复…), performed by the respondent by ``{duty_due}``
    duty: str | None = None
    #: respondent: "person", "village" (村民委员会/经济合作社) or an ORG_KINDS key
    respondent: str = "person"
    #: many applicants (group dispute, 5+ persons)
    group: bool = False
    #: agreement can be reached on the spot (简易程序, usually oral)
    quick: bool = False
    #: applicant age range (years) when the story needs it
    a_age: tuple[int, int] | None = None
    #: a third party: an ORG_KINDS key
    third: str | None = None
    fail: str = "双方对赔偿数额分歧过大, 经多次调解仍无法达成一致"
    routes: tuple[str, ...] = ("LITIGATION",)
    #: more likely to be a hard case (疑难复杂)
    risky: bool = False


_S = Scenario

SCENARIOS: dict[str, tuple[Scenario, ...]] = {
    "MARRIAGE_FAMILY": (
        _S("{a}现年{a_age}岁, 育有子女{kids}人, 现与{b}同住{v}。{a}称近一年来{b}等子女对赡养费分摊"
           "及轮流照料安排意见不一, 每月赡养费时有拖欠, 日常生活及看病开支难以保障, 遂申请调解。",
           "请求{b}按月支付赡养费, 并与其他子女轮流照料其生活起居。",
           "一、{b}每年支付{a}赡养费{agreed}元, {pay}; 二、{a}生病住院期间的医疗费用由子女共同分担; "
           "三、子女轮流照料{a}生活, 每人每月一周。",
           "赡养老人是子女的法定义务, {b}未按约定支付赡养费, 应予纠正。",
           money=(3000, 20000), a_age=(66, 88), fail="{b}坚持认为其他子女应多承担, 拒绝支付赡养费",
           quick=False),
        _S("{a}与{b}于{year0}年登记结婚, 育有一子。双方因性格不合已分居{m}个月, 现就子女抚养费、"
           "共同购买的{car}及存款分割发生争议, 多次争吵并惊动村干部。",
           "请求{b}每月支付子女抚养费, 并返还共同存款{amt}元。",
           "一、婚生子由{a}抚养, {b}按月支付抚养费; 二、{b}返还{a}共同存款{agreed}元, {pay}; "
           "三、离婚手续由双方自行到民政部门办理。",
           "双方对夫妻共同财产负有平等处理的权利, {b}擅自取用共同存款, 应予返还。",
           money=(10000, 80000), fail="双方对子女抚养权分歧较大, 均表示将向人民法院起诉"),
        _S("{a}与{b}系近亲属, 同住一院。因家务分工及老人照料问题长期不和, {mon}月双方发生激烈争吵, "
           "{b}将{a}的生活用品扔出院外, 邻居报告村调委会。",
           "请求{b}赔礼道歉, 今后不再干涉其正常生活。",
           "一、{b}当面向{a}赔礼道歉; 二、双方分灶吃饭, 院内公共区域轮流打扫; "
           "三、今后遇事协商解决, 不得恶语相向。",
           "双方均有过激言行, {b}扔弃他人物品的做法欠妥。",
           quick=True, fail="双方积怨较深, 均不愿让步"),
    ),
    "NEIGHBOUR": (
        _S("{a}与{b}系{v}邻居。{b}去年翻建房屋时将屋檐伸出约{cm}厘米, 雨天屋面雨水直接滴落至{a}家"
           "院内, 导致{a}家墙角长期渗水、墙皮脱落。双方多次交涉未果, {mon}月发生口角并相互推搡。",
           "请求{b}加装接水槽并赔偿墙面修缮费用{amt}元。",
           "一、{b}于{duty_due}前在屋檐加装接水槽, 雨水引入村排水沟; 二、{b}补偿{a}墙面修缮费"
           "{agreed}元, {pay}; 三、双方互谅互让, 和睦相处。",
           "{b}翻建房屋未考虑相邻方排水, 应承担主要责任; {a}动手推搡亦有不当。",
           money=(500, 6000), duty="在屋檐加装接水槽并将雨水引至村排水沟",
           fail="{b}认为滴水问题早已存在, 拒绝加装接水槽"),
        _S("{b}在自家院内饲养犬只{n2}条, 夜间时常吠叫, {mon}月犬只未拴绳咬伤{a}家小孩, 花去医药费"
           "{amt}元。{a}多次上门协商, {b}以小孩自己招惹犬只为由拒绝赔偿, 双方矛盾激化。",
           "请求{b}赔偿医药费并拴养犬只。",
           "一、{b}赔偿{a}医药费、交通费共计{agreed}元, {pay}; 二、{b}今后将犬只拴养, 按规定办理"
           "犬只免疫登记; 三、双方不再就此事发生争执。",
           "饲养的动物造成他人损害, 饲养人应当承担侵权责任。",
           money=(300, 5000), quick=True),
        _S("{a}与{b}两家共用一条宽约{width}米的通道出入。{mon}月{b}在通道旁堆放建筑材料并搭建简易棚,"
           " 致{a}家电瓶车、三轮车无法通行, 双方多次争吵, 村网格员上报。",
           "请求{b}清除通道上堆放的杂物, 恢复通行。",
           "一、{b}于{duty_due}前清除通道上的建筑材料并拆除简易棚; 二、该通道由两家共同使用, "
           "任何一方不得堆放杂物; 三、双方和睦相处。",
           "{b}占用共用通道妨碍相邻方通行, 应予排除妨碍。",
           duty="清除通道上堆放的建筑材料并拆除简易棚", quick=True,
           fail="{b}称通道属其宅基地范围, 拒绝清除"),
        _S("{b}在两家交界处种植的{tree}树长高后遮挡{a}家采光, 落叶堵塞{a}家排水沟, {a}要求砍伐,"
           " {b}不同意, {mon}月双方发生口角, 险些动手。",
           "请求{b}修剪或移除遮挡采光的树木。",
           "一、{b}于{duty_due}前将{tree}树修剪至屋檐以下; 二、落叶由{b}定期清扫; "
           "三、双方今后友好相处。",
           "不动产权利人应为相邻方的通风、采光提供便利。",
           duty="修剪遮挡采光的树木并清理排水沟落叶", quick=True),
    ),
    "HOUSE_HOMESTEAD": (
        _S("{a}与{b}宅基地相邻。{b}翻建新房时, {a}认为其新砌围墙超出原宅基地界址约{area}平方米, "
           "占用了{a}家的宅基地, 双方各执一词, 多次争吵, {a}曾阻止施工。",
           "请求{b}按原界址拆除超出部分围墙, 或给予相应补偿。",
           "一、经村两委及调解员现场测量, 按宅基地使用证确定双方界址; 二、{b}于{duty_due}前将围墙"
           "后退至界址线内; 三、{b}补偿{a}青苗及围墙损失{agreed}元, {pay}。",
           "{b}新砌围墙超出宅基地使用证载明的界址, 应予纠正。",
           money=(2000, 30000), duty="将超出界址的围墙后退至界址线内",
           fail="双方对界址认定分歧较大, 需由镇人民政府依法确权", routes=("ADMINISTRATIVE",),
           risky=True),
        _S("{a}与{b}系同胞兄弟姐妹, 父母去世后在{v}留下老宅一处, 面积约{area}平方米。{b}长期居住使用,"
           " {a}要求分割或折价补偿, 双方就房屋份额分配发生争议。",
           "请求确认其对老宅享有的份额, 由{b}给予折价补偿{amt}元。",
           "一、老宅归{b}所有; 二、{b}补偿{a}房屋折价款{agreed}元, {pay}; "
           "三、双方今后不再就老宅归属发生争议。",
           "老宅系父母遗产, 双方均有继承权。",
           money=(20000, 150000), fail="双方对房屋价值分歧过大, {a}表示将向人民法院起诉"),
        _S("{b}建房打地基时, 致相邻{a}家房屋墙体出现多处裂缝, 最长约{cm}厘米。{a}要求停工赔偿, "
           "{b}认为裂缝早已存在, 双方争执不下, 施工一度停止。",
           "请求{b}赔偿房屋修缮费用{amt}元, 并在施工中采取防护措施。",
           "一、{b}赔偿{a}房屋修缮费用{agreed}元, {pay}; 二、{b}继续施工时采取防护措施, "
           "如再造成损害另行协商。",
           "{b}施工未采取必要防护措施造成相邻房屋受损, 应承担赔偿责任。",
           money=(3000, 40000), fail="双方对裂缝成因各执一词, 需委托鉴定, 调解无法继续"),
    ),
    "CONTRACT": (
        _S("{a}与{b}系朋友关系。{year0}年{mon}月{b}因资金周转向{a}借款{amt}元, 出具借条一张, "
           "约定半年内归还。到期后{a}多次催讨, {b}以生意亏损为由一再拖延, 至今未还。",
           "请求{b}归还借款{amt}元。",
           "一、{b}确认尚欠{a}借款{agreed}元; 二、{b}{pay}; "
           "三、如{b}未按期还款, {a}可就剩余款项向人民法院起诉。",
           "借款到期应当归还, {b}逾期未还, 应承担还款责任。",
           money=(5000, 200000), fail="{b}表示目前无力还款, 双方无法就还款计划达成一致"),
        _S("{b}自{year0}年起从{a}经营的{shop}赊购{goods}, 经对账共欠货款{amt}元。{a}多次催要, "
           "{b}以部分货物质量有问题为由拒付余款。",
           "请求{b}支付货款{amt}元。",
           "一、经双方对账, {b}确认欠{a}货款{agreed}元(已扣除质量问题折让部分); 二、{b}{pay}。",
           "{b}收货后未及时提出质量异议, 应按约定支付货款。",
           money=(3000, 120000)),
        _S("{a}将自家新房装修发包给{b}施工, 约定工程款{amt}元。完工后{a}发现卫生间渗水、墙面开裂, "
           "要求返工, {b}要求先结清尾款, 双方僵持不下。",
           "请求{b}返修渗水及开裂部位, 返修合格后再结算尾款。",
           "一、{b}于{duty_due}前对卫生间防水及墙面开裂部位进行返修; 二、返修验收合格后{a}支付"
           "剩余工程款{agreed}元, {pay}。",
           "{b}施工质量存在瑕疵, 应予返修; {a}应在验收合格后支付尾款。",
           money=(8000, 80000), payer="a", duty="返修卫生间防水及墙面开裂部位", respondent="decor"),
    ),
    "BUSINESS": (
        _S("{a}与{b}于{year0}年合伙在{v}经营{biz}, 约定按出资比例分配利润。今年因经营亏损, {b}提出"
           "退伙, 双方就合伙期间债权债务清算及设备分配发生争议。",
           "请求{b}按出资比例分担亏损, 返还其垫付的{amt}元。",
           "一、合伙经营的设备归{a}所有; 二、{b}分担合伙亏损并返还{a}垫付款共计{agreed}元, {pay}; "
           "三、合伙关系自本协议签订之日起解除。",
           "合伙人应按出资比例分担亏损。",
           money=(10000, 150000)),
        _S("{b}承租{a}位于{v}的厂房约{area2}平方米用于{biz2}。{b}已拖欠租金{m}个月, "
           "累计{amt}元, 并擅自改变厂房用途, {a}要求解除合同并支付欠租。",
           "请求{b}支付拖欠租金{amt}元并按期腾退厂房。",
           "一、双方租赁合同于本协议签订之日解除; 二、{b}支付拖欠租金{agreed}元, {pay}; "
           "三、{b}于{duty_due}前腾退厂房并恢复原状。",
           "承租人应按约定支付租金, 不得擅自改变租赁物用途。",
           money=(8000, 120000), duty="腾退厂房并恢复原状", respondent="factory"),
        _S("{a}等农户与{b}签订{crop}收购协议, 约定按保护价收购。{mon}月{b}以市场行情下跌为由压价"
           "收购, 并拖欠部分货款共计{amt}元, 农户多次到公司讨要。",
           "请求{b}按协议价格结清货款{amt}元。",
           "一、{b}按协议价格结算, 向{a}等农户支付货款{agreed}元, {pay}; "
           "二、双方继续履行下一季收购协议。",
           "{b}单方压价违反收购协议约定。",
           money=(10000, 100000), respondent="farm", group=True, risky=True),
    ),
    "DAMAGES": (
        _S("{mon}月某日晚, {a}与{b}在{v}{place}因琐事发生口角, 继而相互推搡厮打, {a}左手臂骨折, "
           "住院治疗{days}天, 花去医疗费等{amt}元。派出所已出警处理。",
           "请求{b}赔偿医疗费、误工费、护理费等各项损失{amt}元。",
           "一、{b}赔偿{a}医疗费、误工费、护理费、营养费等各项损失共计{agreed}元, {pay}; "
           "二、{b}当面向{a}赔礼道歉; 三、本协议履行完毕后, 双方就此事再无其他争议。",
           "{b}动手致{a}受伤, 应承担主要赔偿责任; {a}言语挑衅, 负次要责任。",
           money=(3000, 60000), risky=True, fail="{a}要求追究{b}刑事责任, 拒绝调解"),
        _S("{b}家散养的{animal}窜入{a}家承包地, 啃食、踩踏{crop}约{mu}亩, 造成损失约{amt}元。{a}找"
           "{b}理论, {b}只同意赔偿少部分。",
           "请求{b}赔偿农作物损失{amt}元, 并圈养牲畜。",
           "一、{b}赔偿{a}农作物损失{agreed}元, {pay}; 二、{b}今后圈养{animal}, 不再散放。",
           "{b}疏于看管牲畜造成他人财产损失, 应予赔偿。",
           money=(500, 8000), quick=True),
        _S("{b}在{v}承接房屋外墙施工, 施工期间脚手架上坠落的钢管砸坏{a}停放在路边的小轿车, "
           "车辆维修费用经修理厂估价为{amt}元。",
           "请求{b}赔偿车辆维修费用{amt}元。",
           "一、{b}赔偿{a}车辆维修费及停运损失共计{agreed}元, {pay}; "
           "二、{b}今后施工设置安全防护网和警示标志。",
           "{b}施工未设置安全防护设施, 应承担赔偿责任。",
           money=(3000, 30000), respondent="decor"),
    ),
    "FOREST_LAND": (
        _S("{a}与{b}两家承包的山林相邻, 位于{v}{hill}。{mon}月{b}雇人砍伐毛竹时越界砍伐{a}家山林内"
           "毛竹约{n3}株, {a}发现后要求赔偿, 双方对山界走向各执一词。",
           "请求确认山林界址并赔偿被砍伐毛竹损失{amt}元。",
           "一、经村两委、老党员现场指认, 以{hill}山脊分水线为双方山林界线; 二、{b}赔偿{a}毛竹"
           "损失{agreed}元, {pay}; 三、双方今后砍伐各自山林不得越界。",
           "{b}越界砍伐他人山林毛竹, 应予赔偿。",
           money=(2000, 30000), fail="双方对林权证四至记载理解不一, 需由林业部门确权",
           routes=("ADMINISTRATIVE",)),
        _S("{a}将其承包的{mu}亩耕地流转给{b}种植{crop}, 约定流转期{m2}年, 每年流转费{rent}元。"
           "{b}未按约支付流转费, 累计拖欠{amt}元, 且在承包地上搭建了简易管理用房。",
           "请求{b}支付拖欠的流转费{amt}元并拆除简易用房。",
           "一、{b}支付拖欠的土地流转费{agreed}元, {pay}; 二、{b}于{duty_due}前拆除管理用房, "
           "流转合同继续履行。",
           "{b}未按约支付流转费, 擅自在耕地上建房, 违反流转合同约定。",
           money=(3000, 40000), duty="拆除承包地上搭建的简易管理用房",
           routes=("ARBITRATION", "LITIGATION")),
        _S("{a}等{n}户村民认为{b}在土地调整中未按人口分配承包地, 其家庭新增人口一直未分到土地, "
           "多次到村委会反映未果, 部分村民扬言到镇政府上访。",
           "请求村集体按政策调整承包地或给予相应补偿。",
           "一、{b}在下一轮土地调整时优先为{a}等户调整承包地; 二、调整前由村集体按年给予相应"
           "补偿; 三、调整方案经村民代表大会讨论通过后公示。",
           "村集体土地调整应依法定程序进行, 保障村民的平等权利。",
           respondent="village", group=True, risky=True,
           fail="涉及土地承包政策, 需由镇人民政府依法处理", routes=("ADMINISTRATIVE",)),
    ),
    "LAND_ACQUISITION": (
        _S("{v}部分土地被征收用于{project}建设, {a}等{n}户村民对村集体征地补偿款的分配方案有异议,"
           " 认为外嫁女及新生儿未被纳入分配对象, 多次到镇政府反映, 情绪较为激动。",
           "请求按人口重新确定分配方案, 补发征地补偿款共计{amt}元。",
           "一、{b}按村民代表大会重新表决通过的分配方案, 补发{a}等户征地补偿款共计{agreed}元, "
           "{pay}; 二、补偿款发放明细在村务公开栏公示。",
           "外嫁女及新生儿户籍在村的, 享有同等分配权利。",
           money=(50000, 600000), respondent="village", group=True, risky=True,
           fail="分配方案需经村民代表大会重新表决, 暂无法达成一致",
           routes=("ADMINISTRATIVE", "LITIGATION")),
        _S("{a}家房屋位于{project}拆迁范围内, 对评估公司出具的房屋评估价格及附属物补偿标准不认可, "
           "认为少算了约{area}平方米的辅房, 拒绝签订拆迁协议。",
           "请求重新测量辅房面积并按标准增加补偿{amt}元。",
           "一、经重新测量, 增补辅房面积并按标准补偿{a}{agreed}元, {pay}; "
           "二、{a}于{duty_due}前签订拆迁协议并腾空房屋。",
           "原测量漏计部分辅房面积, 应予补正。",
           money=(20000, 300000), duty="签订拆迁协议并腾空房屋", payer="b", respondent="project",
           risky=True, fail="{a}坚持要求增加安置面积, 超出政策规定", routes=("ADMINISTRATIVE",)),
    ),
    "POLLUTION": (
        _S("{b}在{v}后山坡经营生猪养殖场, 存栏约{n4}头, 粪污未经处理直排附近水沟, 臭味严重, "
           "{a}等{n}户村民饮用井水受到影响, 多次到养殖场理论。",
           "请求{b}停止直排粪污, 赔偿村民损失{amt}元。",
           "一、{b}于{duty_due}前完成粪污处理设施改造, 停止向水沟直排粪污; 二、{b}补偿受影响农户"
           "{agreed}元, {pay}; 三、村委会、网格员不定期检查, 发现再次直排的报有关部门依法处理。",
           "{b}未经处理直排粪污, 影响周边村民生活, 应承担停止侵害和赔偿责任。",
           money=(5000, 60000), duty="完成粪污处理设施改造, 停止直排", group=True, risky=True,
           fail="{b}拒绝改造处理设施", routes=("ADMINISTRATIVE", "LITIGATION")),
        _S("{b}位于{v}工业区, 夜间生产噪音及粉尘较大, 周边{a}等村民反映晚上难以入睡, 晾晒衣物"
           "沾满粉尘, 多次向网格员反映。",
           "请求{b}夜间停止高噪音作业并采取降尘措施。",
           "一、{b}每日22时至次日6时停止高噪音作业; 二、{b}于{duty_due}前加装除尘设备; "
           "三、{b}补偿周边农户{agreed}元, {pay}。",
           "企业生产应符合噪声和大气污染防治要求。",
           money=(2000, 20000), duty="加装除尘设备并调整夜间作业时间", respondent="factory",
           group=True, routes=("ADMINISTRATIVE",)),
    ),
    "LABOUR": (
        _S("{a}在{b}从事{job}工作, 双方未签订书面劳动合同。{mon}月{a}在工作中不慎被机器压伤右手, "
           "住院治疗{days}天, 医疗费由公司垫付。出院后双方就停工留薪期工资及一次性伤残补助"
           "发生争议。",
           "请求{b}支付停工留薪期工资、一次性伤残补助金等共计{amt}元。",
           "一、{b}一次性支付{a}停工留薪期工资、伤残补助等各项费用共计{agreed}元, {pay}; "
           "二、款项付清后双方劳动关系解除, 再无其他劳动争议。",
           "{a}在工作时间、工作场所内因工作原因受伤, 用人单位应依法承担工伤待遇。",
           money=(10000, 150000), respondent="factory",
           fail="双方对伤残等级及赔偿标准分歧较大", routes=("ARBITRATION",)),
        _S("{a}在{b}工作{m2}年, 今年{mon}月公司以订单减少为由口头通知其不用再来上班, 未支付经济"
           "补偿。{a}要求按工作年限支付经济补偿金。",
           "请求{b}支付解除劳动关系经济补偿金{amt}元。",
           "一、{b}支付{a}经济补偿金{agreed}元, {pay}; 二、{b}为{a}出具解除劳动关系证明。",
           "用人单位解除劳动合同应依法支付经济补偿。",
           money=(5000, 60000), respondent="factory", routes=("ARBITRATION",)),
    ),
    "WAGE_ARREARS": (
        _S("{a}等{n}名农民工在{b}承包的{project}工地从事{job}工作, 工程完工后, {b}以总包单位未拨付"
           "工程款为由拖欠工资共计{amt}元, 农民工多次讨要未果, 聚集在工地门口。",
           "请求{b}支付拖欠的工资{amt}元。",
           "一、{b}确认拖欠{a}等{n}名农民工工资共计{agreed}元; 二、{b}{pay}, 由总包单位从应付"
           "工程款中代为直接支付至农民工本人银行账户; 三、款项付清后双方就劳务报酬再无争议。",
           "农民工工资应足额按时支付, 总包单位对分包单位拖欠工资承担清偿责任。",
           money=(30000, 600000), respondent="labour", third="builder", group=True, risky=True,
           fail="{b}负责人拒不到场, 调解无法继续", routes=("ARBITRATION", "LITIGATION")),
        _S("{a}跟随包工头{b}在{v}从事房屋装修工作{days}天, 约定日工资{daily}元, 完工后{b}仅支付"
           "部分工资, 尚欠{amt}元。",
           "请求{b}支付拖欠的工资{amt}元。",
           "一、{b}支付{a}工资{agreed}元, {pay}; 二、双方就本次劳务报酬再无其他争议。",
           "{b}作为雇主应按约定足额支付劳务报酬。",
           money=(3000, 40000), quick=True, routes=("ARBITRATION", "LITIGATION")),
    ),
    "TOURISM": (
        _S("{a}参加{b}组织的{dest}{n2}日游, 行程中旅行社擅自减少景点并安排购物, {a}等游客要求退还"
           "部分团费, 旅行社只同意退还少部分。",
           "请求{b}退还团费差价并赔偿损失共计{amt}元。",
           "一、{b}退还{a}团费差价及补偿共计{agreed}元, {pay}; 二、双方就本次旅游合同再无争议。",
           "旅行社未经游客同意擅自变更行程, 应承担违约责任。",
           money=(500, 8000), respondent="travel", routes=("ADMINISTRATIVE", "LITIGATION")),
        _S("{a}一行{n2}人在{v}{b}经营的农家乐用餐住宿, 结账时对收费有异议, 认为价格与事先约定不符,"
           " 双方发生争执。",
           "请求{b}按事先约定的价格结算, 退还多收的{amt}元。",
           "一、{b}按事先约定价格结算, 退还{a}多收费用{agreed}元, {pay}; 二、{b}今后明码标价。",
           "经营者应当明码标价, 不得收取未予标明的费用。",
           money=(300, 3000), quick=True),
    ),
    "CONSUMER": (
        _S("{a}在{b}购买{appliance}一台, 价款{amt}元, 使用{m3}个月后出现故障, 多次维修未修好, "
           "要求退货, 商家只同意再次维修。",
           "请求{b}退货并退还货款{amt}元。",
           "一、{b}为{a}办理退货, 退还货款{agreed}元, {pay}; 二、{a}将原机交还{b}。",
           "商品经两次修理仍不能正常使用的, 经营者应当负责更换或者退货。",
           money=(800, 15000), respondent="shop", quick=True, routes=("ADMINISTRATIVE",)),
        _S("{a}在{b}办理预付卡充值{amt}元, 消费不到三成后商家停业装修并拟转让店面, {a}要求退还"
           "余款, 商家以转让后可继续使用为由拒绝。",
           "请求{b}退还预付卡余额{amt}元。",
           "一、{b}退还{a}预付卡余额{agreed}元, {pay}; 二、预付卡同时注销。",
           "经营者以预收款方式提供服务, 未按约定提供的, 应退回预付款。",
           money=(1000, 10000), respondent="shop"),
    ),
    "MEDICAL": (
        _S("{a}因{illness}到{b}就诊, 输液后出现过敏反应, 转院治疗花去医疗费{amt}元。{a}认为诊所"
           "未做皮试、存在过错, 要求赔偿, 诊所认为已尽告知义务。",
           "请求{b}赔偿医疗费、误工费等各项损失{amt}元。",
           "一、{b}一次性补偿{a}医疗费、误工费等共计{agreed}元, {pay}; "
           "二、双方就此次诊疗纠纷再无其他争议。",
           "诊所用药前未按规范进行皮试, 存在一定过错。",
           money=(5000, 100000), respondent="clinic",
           fail="双方对诊疗过错分歧较大, 需进行医疗损害鉴定",
           routes=("ADMINISTRATIVE", "LITIGATION")),
        _S("{a}的{kin}在{b}治疗期间病情加重, 家属认为诊所延误转诊, 要求赔偿各项损失{amt}元, "
           "家属{n}人一度在诊所门口聚集, 影响正常诊疗秩序。",
           "请求{b}赔偿各项损失{amt}元。",
           "一、{b}出于人道主义一次性补偿{a}{agreed}元, {pay}; 二、家属撤离诊所, 不再聚集; "
           "三、双方就此事再无其他争议。",
           "诊所转诊存在一定延误, 家属聚集的方式不妥。",
           money=(30000, 300000), respondent="clinic", group=True, risky=True,
           fail="家属要求过高, 需通过医疗损害鉴定明确责任",
           routes=("ADMINISTRATIVE", "LITIGATION")),
    ),
    "TRAFFIC": (
        _S("{mon}月{b}驾驶{plate}号小型轿车行经{road}时, 与{a}驾驶的电动自行车发生碰撞, 致{a}受伤"
           "住院{days}天。经交警部门认定, {b}负事故主要责任。双方就保险理赔以外的损失赔偿协商不成。",
           "请求{b}赔偿保险理赔以外的医疗费、误工费等损失{amt}元。",
           "一、除保险公司理赔部分外, {b}另行赔偿{a}医疗费、误工费、护理费等共计{agreed}元, {pay};"
           " 二、本协议履行完毕后, 双方就此次事故再无争议。",
           "经交警部门认定, {b}负事故主要责任, {a}负次要责任。",
           money=(5000, 150000)),
        _S("{a}驾驶的三轮车与{b}驾驶的小货车在{road}发生刮擦, 双方车辆受损, 无人受伤。交警认定双方"
           "同等责任, 双方就车辆维修费用分担发生争执。",
           "请求{b}承担车辆维修费用{amt}元。",
           "一、双方车辆各自维修, {b}另补偿{a}{agreed}元, {pay}; 二、双方再无其他争议。",
           "双方负事故同等责任。",
           money=(1000, 10000), quick=True),
    ),
    "PROPERTY_MGMT": (
        _S("{b}负责{v}{estate}小区物业管理。{a}等业主反映物业服务不到位, 电梯经常故障、绿化无人"
           "管理, 部分业主拒交物业费; 物业公司要求业主补交拖欠的物业费共计{amt}元。",
           "请求{b}维修电梯、改善服务, 业主同意在服务改善后补交物业费。",
           "一、{b}于{duty_due}前完成电梯维修保养并公示维保记录; 二、{a}等业主补交物业费"
           "{agreed}元, {pay}; 三、业主委员会每季度对物业服务进行评议。",
           "物业公司应按合同提供服务, 业主应按约交纳物业费。",
           money=(5000, 60000), payer="a", duty="完成电梯维修保养并公示维保记录",
           respondent="property", group=True),
        _S("{a}家楼上住户{b}卫生间漏水, 致{a}家天花板发霉脱落, 物业多次协调未果。",
           "请求{b}修复卫生间防水并赔偿装修损失{amt}元。",
           "一、{b}于{duty_due}前修复卫生间防水层; 二、{b}赔偿{a}装修损失{agreed}元, {pay}。",
           "{b}卫生间防水失效造成楼下损失, 应承担修复和赔偿责任。",
           money=(1000, 8000), duty="修复卫生间防水层", quick=True),
    ),
    "IP": (
        _S("{a}称{b}在其经营的网店中未经许可使用{a}拍摄的{crop}产品图片{n2}张用于商品宣传, "
           "要求停止使用并赔偿损失。",
           "请求{b}删除图片并赔偿损失{amt}元。",
           "一、{b}于{duty_due}前删除网店中使用的涉案图片; 二、{b}赔偿{a}{agreed}元, {pay}。",
           "未经许可使用他人摄影作品, 构成侵权。",
           money=(2000, 30000), duty="删除网店中使用的涉案图片", respondent="trade"),
        _S("{a}发现{b}使用与其注册商标近似的“{brand}”字样销售同类{goods2}, 易使顾客混淆, "
           "要求停止使用。",
           "请求{b}停止使用近似标识并赔偿损失{amt}元。",
           "一、{b}于{duty_due}前撤下含近似标识的包装和招牌; 二、{b}补偿{a}{agreed}元, {pay}。",
           "在同类商品上使用近似商标易导致混淆。",
           money=(5000, 50000), duty="撤下含近似标识的包装和招牌",
           routes=("ADMINISTRATIVE", "LITIGATION")),
    ),
    "INTERNET": (
        _S("{a}通过网络平台向{b}购买二手{item2}, 通过微信转账{amt}元后, {b}发来的物品与描述严重"
           "不符, {a}要求退款被拒, 并被对方拉黑。",
           "请求{b}退还货款{amt}元。",
           "一、{a}将物品退回{b}; 二、{b}退还{a}货款{agreed}元, {pay}。",
           "出卖人交付的标的物与约定不符, 买受人可以要求退货。",
           money=(500, 10000)),
        _S("{b}在微信群、短视频平台发布涉及{a}的不实言论, 称其“{rumor}”, 在村里造成不良影响。"
           "{a}要求删除并公开道歉。",
           "请求{b}删除不实言论并公开赔礼道歉。",
           "一、{b}于{duty_due}前删除发布的不实言论; 二、{b}在原微信群内公开向{a}道歉; "
           "三、双方今后不再相互诋毁。",
           "{b}发布不实言论损害他人名誉, 应停止侵害、赔礼道歉。",
           duty="删除不实言论并在原微信群内公开道歉", quick=True),
    ),
    "OTHER": (
        _S("{a}与{b}因{v}{place}停车位使用问题发生争执, 双方多次互相堵车, 网格员上报。",
           "请求明确停车位使用办法, {b}不再堵车。",
           "一、{place}停车位先到先停, 不得长期占用; 二、双方不再互相堵车; 三、今后和睦相处。",
           "公共停车位应共同合理使用。",
           quick=True),
        _S("{a}在{b}的鱼塘垂钓时, 因收费及钓获鱼的数量计价发生争执, 双方发生推搡。",
           "请求{b}按事先约定的标准收费, 退还多收的{amt}元。",
           "一、{b}按约定标准结算, 退还{a}{agreed}元, {pay}; 二、{b}今后在鱼塘公示收费标准。",
           "经营者应明示收费标准。",
           money=(200, 2000), quick=True),
        _S("{a}与{b}因红白喜事礼金往来及借用物品未还发生纠纷, 双方在{v}{place}争吵。",
           "请求{b}归还借用的物品或折价赔偿{amt}元。",
           "一、{b}折价赔偿{a}{agreed}元, {pay}; 二、双方互谅互让。",
           "借用他人物品应及时归还。",
           money=(500, 5000), quick=True),
    ),
}

#: every placeholder a template may use (the generator fills all of them).
FILL_KEYS = frozenset({
    "a", "b", "v", "amt", "agreed", "pay", "duty_due", "a_age", "kids", "year0", "m", "m2", "m3",
    "mon", "cm", "n", "n2", "n3", "n4", "width", "area", "area2", "rent", "days", "daily", "mu",
    "plate", "estate", *WORDS,
})


def placeholders(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


# --- the rest of a case file ---------------------------------------------------------------

NOTICE_NOTES = (
    "已口头告知双方人民调解的性质、原则、效力及双方享有的权利和承担的义务, 双方表示清楚。",
    "已书面告知, 双方签收《人民调解权利义务告知书》。",
    "已向双方宣读人民调解权利义务告知书, 双方均同意接受调解。",
)
SESSION_OPENINGS = (
    "调解员分别听取双方陈述。{a}称: {request}{b}称: {defence}",
    "调解员先与双方背对背沟通, 了解各自诉求。{a}表示: {request}{b}表示: {defence}",
    "调解员组织双方面对面调解。{a}陈述: {request}{b}陈述: {defence}",
)
DEFENCES = (
    "对方要求过高, 只愿意承担部分责任。",
    "事情起因在对方, 自己也有损失。",
    "同意协商解决, 但目前经济确实困难。",
    "对事实基本认可, 但对金额有异议。",
    "愿意调解, 希望村里主持公道。",
)
SESSION_MIDDLE = (
    "调解员结合《{law}》相关规定释法明理, 指出双方各自的不当之处。",
    "调解员会同村调委会主任{cadre}一同做双方工作, 讲明利害关系。",
    "调解员到现场实地查看, 核实了相关情况。",
)
SESSION_ENDS = {
    "agree": ("经耐心调解, 双方自愿达成协议。", "双方互谅互让, 当场达成一致意见。"),
    "fail": ("双方分歧较大, 本次调解未能达成一致。", "{b}态度坚决, 不同意任何方案。"),
    "more": ("双方同意回去考虑, 约定择日再调。", "双方意见有所接近, 约定下次继续调解。",
             "需进一步核实相关情况, 择日再调。"),
}
EXTENSION_CONSENT = (
    "经征得{a}、{b}双方同意, 延长调解期限至{date}。",
    "因需等待相关材料, 双方均同意延期调解, 延期至{date}。",
)
REFUSALS = (
    ("该纠纷已由人民法院立案受理", "LITIGATION"),
    ("一方当事人明确拒绝调解", "LITIGATION"),
    ("该事项已由公安机关依法处理", "ADMINISTRATIVE"),
    ("涉及行政机关职权范围, 应由有关行政机关依法处理", "ADMINISTRATIVE"),
    ("该纠纷属于劳动人事争议仲裁委员会处理范围", "ARBITRATION"),
)
WITHDRAWALS = (
    "双方已自行协商解决, 申请人申请撤回。",
    "申请人表示不再追究, 申请撤回调解申请。",
    "申请人已向人民法院起诉, 申请撤回。",
    "申请人外出务工, 申请撤回。",
)
#: (target, reason); "{cw}" is the county-level word (区/县)
TRANSFERS = (
    ("{cw}人民法院诉调对接中心", "当事人要求通过诉讼解决, 经引导转入诉讼程序。"),
    ("{cw}劳动人事争议仲裁委员会", "属劳动争议, 移交仲裁处理。"),
    ("{cw}矛盾纠纷调处化解中心", "涉及人数多、情况复杂, 上报{cw}矛调中心统筹化解。"),
    ("{cw}市场监督管理局", "涉及消费者权益, 移交市场监管部门处理。"),
    ("{cw}人民调解委员会", "纠纷跨镇, 报请{cw}人民调解委员会协调处理。"),
)
URGE_NOTES = (
    "电话联系{obligor}督促其履行协议, 对方承诺尽快支付。",
    "上门督促{obligor}履行调解协议, 告知不履行的法律后果。",
    "会同村干部督促{obligor}履行, 对方表示月底前筹款。",
)
SUIT_NOTES = ("{obligor}经督促仍未履行, 已告知{a}可就调解协议向人民法院提起诉讼。",)
REMEDIATE_NOTES = ("双方对协议履行方式产生新的争议, 经双方同意重新调解。",
                   "{obligor}称无力一次性履行, 双方同意重新调解还款方式。")
REMEDIATE_FAIL = "重新调解仍未能达成一致, {obligor}表示暂时无力履行。"
COMPLETE_NOTES = ("经回访核实, 双方已按协议履行完毕。", "当事人到调委会确认协议内容已履行。")
FOLLOW_NOTES = {
    "PERFORMED": ("经电话核实, {obligor}已按期履行。", "上门回访, 款项已收到, 双方无异议。"),
    "SATISFIED": ("双方对调解结果满意, 关系和睦。", "回访时双方均表示满意, 未再发生矛盾。"),
    "NOT_PERFORMED": ("{obligor}未按期履行, 称资金困难。", "到期未履行, {obligor}电话无人接听。"),
    "UNREACHABLE": ("多次电话联系不上当事人, 已请网格员代为了解。",),
    "RECURRED": ("双方又因小事发生口角, 已现场劝解。",),
}
ROUTINE_NOTE = "协议履行后常规回访"
STABILITY_NOTE = zh("稳控回访, 了解当事人思想动态")
PROOFS = ("收据编号 SJ{year}{n:05d}", "银行转账, 流水号 {digits}", "微信转账截图已存档",
          "现场交付现金, 双方签字确认", "由调委会见证支付, 收条存卷")
PAY_METHODS = ("现金", "银行转账", "微信转账")
STABILISING = (
    "落实“五个一”包案机制, 包案领导每周走访{a}家了解诉求; 网格员每日关注其动态, 发现异常及时报告。",
    "明确专人盯守, 重要节点前上门谈心; 会同派出所做好预防性稳控, 防止矛盾激化。",
    "村两委干部结对联系, 每周至少一次见面沟通; 发现聚集苗头立即报告镇综治中心。",
)
ORG_REPRESENTATIVE_ROLE = "法定代表人"


def _normalise_scenario(s: Scenario) -> Scenario:
    return Scenario(
        facts=_n(s.facts), requests=_n(s.requests), terms=_n(s.terms),
        responsibilities=_n(s.responsibilities), money=s.money, payer=s.payer,
        duty=_n(s.duty) if s.duty else None, respondent=s.respondent, group=s.group,
        quick=s.quick, a_age=s.a_age, third=s.third, fail=_n(s.fail), routes=s.routes,
        risky=s.risky,
    )


SCENARIOS = {k: tuple(_normalise_scenario(s) for s in v) for k, v in SCENARIOS.items()}


def _nt(items: tuple) -> tuple:  # type: ignore[type-arg]
    return tuple(_nt(x) if isinstance(x, tuple) else _n(x) if isinstance(x, str) else x
                 for x in items)


NOTICE_NOTES = _nt(NOTICE_NOTES)
SESSION_OPENINGS = _nt(SESSION_OPENINGS)
DEFENCES = _nt(DEFENCES)
SESSION_MIDDLE = _nt(SESSION_MIDDLE)
SESSION_ENDS = {k: _nt(v) for k, v in SESSION_ENDS.items()}
EXTENSION_CONSENT = _nt(EXTENSION_CONSENT)
REFUSALS = _nt(REFUSALS)
WITHDRAWALS = _nt(WITHDRAWALS)
TRANSFERS = _nt(TRANSFERS)
URGE_NOTES = _nt(URGE_NOTES)
SUIT_NOTES = _nt(SUIT_NOTES)
REMEDIATE_NOTES = _nt(REMEDIATE_NOTES)
REMEDIATE_FAIL = _n(REMEDIATE_FAIL)
COMPLETE_NOTES = _nt(COMPLETE_NOTES)
FOLLOW_NOTES = {k: _nt(v) for k, v in FOLLOW_NOTES.items()}
PROOFS = _nt(PROOFS)
STABILISING = _nt(STABILISING)
WORDS = {k: _nt(v) for k, v in WORDS.items()}
