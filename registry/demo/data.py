"""The demo county: 盘山县 as its 2021 report describes it (DOMAIN.md, "The county of the seed").

Places and firms the report names are real names; the 4th street office, the generated firms, people and all
USCCs are synthetic (every demo USCC has ``DM`` in positions 9–10, which no real code issued in 盘山县 has).
"""

from __future__ import annotations

# 9 towns and 4 street offices: the report's "13个镇街". 城郊街道 is invented to make up the four.
TOWNS = [
    ("taiping", "太平街道"),
    ("gaosheng", "高升街道"),
    ("desheng", "得胜街道"),
    ("chengjiao", "城郊街道"),
    ("shixin", "石新镇"),
    ("hujia", "胡家镇"),
    ("baqiangzi", "坝墙子镇"),
    ("dongguo", "东郭镇"),
    ("tianshui", "甜水镇"),
    ("wujia", "吴家镇"),
    ("shaling", "沙岭镇"),
    ("chenjia", "陈家镇"),
    ("guchengzi", "古城子镇"),
]

PARKS = [
    ("高升经济区", "gaosheng"),
    ("新材料产业园区", "gaosheng"),
    ("盘北新区", "desheng"),
    ("电商物流产业园区", "taiping"),
]

TAGS = [
    ("kechuang-china", "科创中国平台注册"),
    ("cloud", "企业上云"),
    ("smart-workshop", "数字化工厂/智能化车间"),
    ("alliance", "产学研创新联盟成员"),
]

# name, kind, level, town code, operator, opened_on
INCUBATORS = [
    (
        "盘锦现代农业创业大厦",
        "startup_base",
        "municipal",
        "taiping",
        "盘山县人力资源和社会保障局",
        "2018-05-01",
    ),
    ("盘山县众创空间", "maker_space", "county", "taiping", "盘山县科学技术局", "2019-03-01"),
    ("高升经济区科技企业孵化器", "tech_incubator", "county", "gaosheng", "高升经济区管委会", "2021-09-01"),
]

# The firms the report names: key, full name, legal form, town, park, industry, established, capital (万元),
# employees, high-value IP count.
NAMED_FIRMS = [
    (
        "dayu",
        "辽宁大禹防水科技发展股份有限公司",
        "company",
        "gaosheng",
        "高升经济区",
        "C",
        "2003-04-18",
        10800,
        420,
        12,
    ),
    (
        "fulong",
        "盘锦富隆化工有限公司",
        "company",
        "gaosheng",
        "新材料产业园区",
        "C",
        "2006-09-12",
        6000,
        260,
        5,
    ),
    (
        "jintian",
        "盘锦金田塑业有限公司",
        "company",
        "gaosheng",
        "新材料产业园区",
        "C",
        "2009-03-02",
        3000,
        150,
        3,
    ),
    ("tianyuan", "辽宁天源药业有限公司", "company", "desheng", "盘北新区", "C", "2004-07-21", 5000, 210, 4),
    (
        "hualong",
        "盘锦华龙防水材料有限公司",
        "company",
        "gaosheng",
        "高升经济区",
        "C",
        "2010-05-06",
        2000,
        96,
        2,
    ),
    (
        "kelong",
        "盘锦科隆精细化工有限公司",
        "company",
        "gaosheng",
        "新材料产业园区",
        "C",
        "2008-11-11",
        8000,
        180,
        6,
    ),
    (
        "kaiwei",
        "辽宁开味食品有限公司",
        "company",
        "taiping",
        "电商物流产业园区",
        "C",
        "2012-08-08",
        1500,
        120,
        1,
    ),
    (
        "songdafang",
        "盘锦宋大房食品有限公司",
        "company",
        "taiping",
        "电商物流产业园区",
        "C",
        "2011-01-19",
        1200,
        110,
        1,
    ),
    (
        "haoye",
        "盘锦浩业化工有限公司",
        "company",
        "gaosheng",
        "新材料产业园区",
        "C",
        "2007-06-30",
        50000,
        900,
        2,
    ),
    ("guanghe", "盘锦光合水产有限公司", "company", "hujia", None, "A", "2013-04-02", 800, 45, 1),
    ("xiuling", "盘山县秀玲河蟹养殖专业合作社", "cooperative", "hujia", None, "A", "2014-03-15", 200, 30, 0),
    (
        "shaling_flowers",
        "盘山县沙岭花卉种植专业合作社",
        "cooperative",
        "shaling",
        None,
        "A",
        "2015-05-20",
        120,
        18,
        0,
    ),
    ("xinyu", "盘山县甜水馨毓君子兰培育中心", "individual", "tianshui", None, "A", "2016-02-28", 50, 8, 0),
]

# The short names the report writes for them (简称): "大禹防水重点上市后备企业", "富隆化工入选第三批…".
SHORT_NAMES = {
    "dayu": "大禹防水",
    "fulong": "富隆化工",
    "jintian": "金田塑业",
    "tianyuan": "天源药业",
    "hualong": "华龙防水",
    "kelong": "科隆化工",
    "kaiwei": "开味食品",
    "songdafang": "宋大房食品",
    "haoye": "浩业化工",
}

# One of the building's tenants of 2021 closed down (注销) later: it still counts for 2021, and its stay
# ended the day it was deregistered.
DEREGISTERED_ON, DEREGISTERED_REASON = "2023-06-30", "cancelled"

NAMED_FOUNDERS = {"xiuling": ["woman", "returning_migrant"], "shaling_flowers": ["woman"], "xinyu": ["woman"]}
NAMED_TAGS = {
    "dayu": ["kechuang-china", "cloud", "alliance"],
    "fulong": ["kechuang-china", "alliance"],
    "kelong": ["kechuang-china", "smart-workshop"],
    "kaiwei": ["kechuang-china", "cloud"],
    "songdafang": ["kechuang-china", "smart-workshop"],
}

# Words for generated firm names.
NAME_CORES = [
    "鑫源",
    "宏达",
    "恒信",
    "瑞丰",
    "金禾",
    "绿野",
    "蟹乡",
    "稻香",
    "红滩",
    "辽河",
    "新港",
    "华盛",
    "兴农",
    "汇通",
    "博远",
    "智联",
    "天合",
    "北辰",
    "禾丰",
    "润泽",
    "盛景",
    "海晟",
    "碱蓬",
    "苇海",
    "鼎新",
    "安泰",
    "众诚",
    "达远",
    "康宁",
    "凯瑞",
    "嘉禾",
    "永丰",
    "东方",
    "利民",
    "昊天",
    "长青",
    "佳和",
    "锦程",
    "宇航",
    "星河",
    "晨光",
    "沃土",
]
NAME_TRADES = [
    ("农业科技", "A"),
    ("水产养殖", "A"),
    ("生物科技", "M"),
    ("新材料科技", "C"),
    ("精细化工", "C"),
    ("信息技术", "I"),
    ("软件开发", "I"),
    ("电子商务", "F"),
    ("食品", "C"),
    ("机械制造", "C"),
    ("环保科技", "N"),
    ("文化传媒", "R"),
    ("物流", "G"),
    ("检测技术", "M"),
    ("石油装备", "C"),
]
PERSON_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
PERSON_GIVEN = [
    "建国",
    "秀英",
    "海波",
    "丽娟",
    "志强",
    "晓东",
    "春梅",
    "永刚",
    "玉兰",
    "立新",
    "宏伟",
    "淑芬",
]

OUTREACH_STAFF = "县市场监管局知识产权股、县金融服务中心"
