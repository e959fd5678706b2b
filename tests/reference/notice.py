#!/usr/bin/env python3
"""Independent plain reading of the 2024 Suzhou engineering-title notice and its contract, as data + functions.

Source: policies/suzhou-2024.notice.txt (《关于开展2024年苏州市工程系列职称评审工作的通知》, dated 2024-01-10)
and doc/contract-suzhou-2024.md (the record/decision contract; the authority wherever the notice leaves room).
Python 3 standard library only.

    decide(record)               -> the decision dict for a contract-valid record (CONTRACT "Decision")
    validate(line_text, line_no) -> None for a contract-valid line, else the error object
    parse_line(line_text, line_no) -> (record, None) or (None, error object)

Run `python3 notice.py` for the self-test (tests/golden/decisions/notice-examples.jsonl against the contract's
decisions in notice-examples.contract.jsonl beside this file, plus cross-checks of the data with the notice text);
`python3 notice.py --table` prints the 附件1 table as read (after fill-down and schedule parsing).

Readings where the notice or contract leaves room (each is also commented where it is implemented):
  - 附件1 page 5: the extraction split the 区块链 rows' 申报时间 cell in two; read as one merged cell, so both
    区块链 committees get 网上 2024-02-26..2024-05-06 and 材料 2024-05-06..2024-05-17 (like 集成电路/工业互联网).
  - schedule_note: the cell's wording without the extraction's spaces, its 网上报名 and 申报材料 parts joined by one
    space (as expected.jsonl E06 shows).  月底 = last day; 月初 and a bare month give no day.
  - 九(一)'s T17:00 only for committees whose authority is 苏州市专业技术人员服务中心 (一(二)); never for
    高技能人才 (authority null) nor for the 一(一) committees.
  - 附件1's 苏州工业园区人力资源开发有限公司 has no 附件2 entry -> receiver_address/receiver_phone null.
  - Validation: `applications_this_year` is typed "integer >= 1", so 0 or -1 is an error; inside list elements
    ce.year, papers.title/date/similarity and substitutes.kind are required (only ce's numbers and papers' bools
    have stated defaults), substitutes.also_as_achievement defaults to false (E07 omits it); a required field given
    as null counts as missing; an integer must be a JSON integer (1.0 is not); dates are exactly YYYY-MM-DD naming
    a real day; NaN/Infinity are not JSON; enum values are matched exactly (no trimming).  The error for a line
    whose `id` is not a string carries id null.  With several defects the first in the contract's field order is
    named (the generator makes single-defect lines only).
  - 三: 学习强国 points count only for years >= 2020 at every level, 正高级 included; duplicate ce years (outside the
    contract) are counted once.  正高级 with no year T < year <= 2023 has nothing to miss.
"""

import calendar
import datetime as _dt
import difflib
import json
import os
import re
import sys

# ---------------------------------------------------------------------------------------------------------------
# Constants of the notice
# ---------------------------------------------------------------------------------------------------------------

YEAR = 2024                                   # the notice's year: output dates are in 2024 (CONTRACT "Dates")
NOTICE_DATE = _dt.date(2024, 1, 10)           # signature: 苏州市职称工作领导小组办公室 2024年1月10日 (used by 八(四))
TENURE_CUTOFF = _dt.date(2023, 12, 31)        # 八(三) 资历(任职年限)截止时间为2023年12月31日
ACHIEVEMENT_CUTOFF = _dt.date(2024, 4, 30)    # 八(三) 业绩成果、论文…截止时间为2024年4月30日
LAST_CE_YEAR = 2023                           # CONTRACT 三: counted years are T < year <= 2023
XXQG_FIRST_YEAR = 2020                        # 三(三) 从2020年开始…“学习强国”
INTEGRITY_RECORD_YEARS = 3                    # 八(四) 诚信档案库…记录期3年
SIMILARITY_MAX = 30                           # 四(二) 查重率…不得超过30%
SERVICE_CENTER = "苏州市专业技术人员服务中心"
SERVICE_CENTER_DEADLINE_HOUR = "17:00"        # 九(一) 申报材料受理截止时间为2024年4月30日17:00

# ---------------------------------------------------------------------------------------------------------------
# Enumerations of the record (CONTRACT "Applicant record")
# ---------------------------------------------------------------------------------------------------------------

SPECIALTIES = ["建设", "机械", "电子信息", "化工", "水利", "轻工", "药学", "技工学校教师", "高技能人才", "生物医药",
               "集成电路", "工业互联网", "区块链", "网络安全", "交通", "环保", "冶金", "纺织", "质量"]
LEVELS = ["初级", "中级", "高级", "正高级"]
REGIONS = ["市本级", "姑苏", "吴中", "相城", "高新区", "工业园区", "吴江", "昆山", "张家港", "常熟", "太仓"]
SUBMITTED_BY = ["本人", "单位", "中介"]
UNIT_TYPES = ["本地", "中央驻苏", "外省驻苏", "军队"]
SUBSTITUTE_KINDS = ["发明专利", "行业标准", "规程", "图集", "导则", "指南", "工法"]

MID_JUNIOR = ("中级", "初级")   # 附件1 “中级、初级”, 一 “中初级”
SENIOR = ("高级",)              # 附件1 “高级” / “副高”; CONTRACT: 高级 is 副高级

# ---------------------------------------------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------------------------------------------


def squeeze(text):
    """Remove the spaces the text extraction added: whitespace next to a non-ASCII (Chinese) character goes,
    other whitespace runs (between two ASCII tokens, e.g. two phone numbers) become one space."""
    text = text.strip()
    text = re.sub(r"\s+(?=[^\x00-\x7f])", "", text)
    text = re.sub(r"(?<=[^\x00-\x7f])\s+", "", text)
    return re.sub(r"\s+", " ", text)


def iso(d):
    return d.isoformat() if d is not None else None


# ---------------------------------------------------------------------------------------------------------------
# 附件1 苏州市工程系列评委会及其受理范围, as extracted: five page-blocks of rows
#   (评委会名称, 受理范围及级别, 申报材料受理部门, 评审方式, 申报时间)
# An empty cell is one the extraction left blank; CONTRACT: it takes the value of the cell above in the same
# block (merged cells).  Cells are copied from the text with the extraction's spaces; squeeze() removes them.
# ---------------------------------------------------------------------------------------------------------------

_LOCAL_HRSS = ("各市、区人社局职称部门（ 社保归属地在工业园区、高新区、市本级的申报人员，将申报材料直接递交至"
               "苏州市专业技术人员服务中心 ）")
_S_MAIN = "网上报名时间为2月20日-4月19日 申报材料受理截止时间为4月30日"

ANNEX1_BLOCKS = [
    [   # page 1
        ("江苏省苏州市建设工程高级专业技术资格评审委员会", "全市建设工程高级", _LOCAL_HRSS,
         "网上申报， 无纸化评审", _S_MAIN),
        ("江苏省苏州市机械工程高级专业技术资格评审委员会", "全市机械工程高级", "", "", ""),
        ("江苏省苏州市数字经济（电子信息）工程高级专业技术资格评审委员会", "全市数字经济（电子信息）工程高级", "", "", ""),
        ("江苏省苏州市化工工程高级专业技术资格评审委员会", "全市化工工程高级", "", "", ""),
        ("苏州市建设工程技术中级资格评审委员会", "全市（除昆山市）建设工程中级、初级", "", "", ""),
        ("苏州市数字经济（电子信息）工程技术中级资格评审委员会",
         "全市（除昆山市、吴江区、工业园区）数字经济（电子信息）工程中级、初级", "", "", ""),
    ],
    [   # page 2 (the same merged cells continue; the extraction repeated them with extra spaces)
        ("苏州市机械工程技术中级资格评审委员会", "全市（除昆山市、吴江区、工业园区） 机械工程中级、初级",
         "各市、区人社局职称 部门（ 社保归属地在 工业园区、高新区、 市本级的申报人员， 将申报材料直接递交 至苏州市专业技术人员 服务中心 ）",
         "网上申报， 无纸化评审",
         "网上报名时间为2月20日-4 月19日 申报材料受理 截止时间为4 月30日"),
        ("苏州市化学工程技术中级资格评审委员会", "全市（除工业园区）化学工程中级、 初级", "", "", ""),
        ("苏州市水利水务专业技术中级资格评审委员会", "全市水利水务专业技术中级、初级", "", "", ""),
        ("苏州市轻工工程专业技术中级资格评审委员会", "全市轻工工程专业技术中级、初级", "", "", ""),
        ("苏州市药学专业（药品）中级专业技术资格评审委员会", "全市药学专业（药品）技术中级、初 级", "", "", ""),
        ("苏州市高技能人才中级专业技术资格评审委员会", "全市高技能人才中级、初级", "", "", ""),
        ("苏州市技工学校教师中级资格评审委员会", "全市技工学校教师中级、初级", "", "", ""),
    ],
    [   # page 3
        ("江苏省苏州市生物医药工程高级专业技术资格（副高）评审委员会", "全市生物医药工程副高",
         "苏州工业园区生物医药产业促进会", "网上申报，无纸化评审",
         "网上报名时间为2月20日-4月19日 申报材料受理时间为4月1日-5月10日"),
        ("苏州市生物医药工程技术中级资格评审委员会", "全市生物医药工程中级、初级", "", "", ""),
        ("苏州工业园区化工工程中级专业技术资格评审委员会", "工业园区化工工程中级、初级", "", "", ""),
        ("昆山市建设工程中级专业技术资格评审委员会", "昆山市建设工程中级、初级",
         "昆山市人社局职业能力建设与专业技术人员管理科", "", _S_MAIN),
        ("昆山市机械工程、数字经济（电子信息）中级专业技术资格评审委员会",
         "昆山市机械工程、数字经济（电子信息）工程中级、初级", "", "", ""),
        ("吴江区机械工程、数字经济（电子信息）工程中级专业技术资格评审委员会",
         "吴江区机械工程、数字经济（电子信息）工程中级、初级", "吴江区职称评价中心", "", ""),
        ("苏州市环保工程中级专业技术资格评审委员会", "全市环保工程中级、初级", "苏州市环保产业协会", "", _S_MAIN),
    ],
    [   # page 4
        ("苏州工业园区机械工程、数字经济（电子信息）工程中级专业技术资格评审委员会",
         "工业园区机械工程、数字经济（电子信息）工程中级、初级", "苏州工业园区人力资源开发有限公司",
         "网上申报，无纸化评审", "网上报名时间为2月20日-4月19日 申报材料受理时间为4月1日-5月10日"),
        ("苏州市交通工程技术中级资格评审委员会", "全市交通工程（含铁路工程、智能交通）中级、初级",
         "苏州市综合交通运输学会", "网上申报，无纸化评审",
         "网上报名时间为3月18日-5月31日 申报材料受理截止时间为6月14日"),
        ("江苏省苏州市数字经济（集成电路）工程高级专业技术资格评审委员会", "全市数字经济（集成电路）工程高级",
         "苏州中科集成电路设计中心有限公司", "", "网上报名时间为2月26日-5月6日 申报材料受理时间为5月6日-5月17日"),
        ("苏州市数字经济（集成电路）工程中级专业技术资格评审委员会", "全市数字经济（集成电路）工程中级、初级",
         "", "", ""),
        ("江苏省苏州市数字经济（工业互联网）工程高级专业技术资格评审委员会", "全市数字经济（工业互联网）工程高级",
         "江苏省工业互联网发展研究中心", "", "网上报名时间为2月26日-5月6日 申报材料受理时间为5月6日-5月17日"),
        ("苏州市数字经济（工业互联网）工程中级专业技术资格评审委员会", "全市数字经济（工业互联网）工程中级、初级",
         "", "", ""),
    ],
    [   # page 5
        # AMBIGUITY: the extraction split this block's first 申报时间 cell over the two 区块链 rows
        # ("网上报名时间为2月26日-5月6日" / "申报材料受理时间为5月6日-5月17日") while leaving their 受理部门 and
        # 评审方式 cells merged.  Read as one merged cell (like the 集成电路 and 工业互联网 pairs with the same
        # organiser type and the same dates): both rows get the whole text.
        ("江苏省苏州市数字经济（区块链）工程高级专业技术资格评审委员会", "全市数字经济（区块链）工程高级",
         "梧桐链数字科技研究院（苏州）有限公司", "网上申报，无纸化评审",
         "网上报名时间为2月26日-5月6日 申报材料受理时间为5月6日-5月17日"),
        ("苏州市数字经济（区块链）工程中级专业技术资格评审委员会", "全市数字经济（区块链）工程中级、初级",
         "", "", ""),
        ("苏州市数字经济（网络安全）工程中级专业技术资格评审委员会", "全市数字经济（网络安全）工程中级、初级",
         "中共苏州市委网络安全和信息化委员会办公室", "网上申报、纸质材料评审",
         "网上报名时间为3月-6月 申报材料受理截止时间以受理部门通知为准"),
        ("苏州市冶金工程技术中级资格评审委员会", "全市冶金工程中级、初级", "苏州市冶金行业协会",
         "网上申报，无纸化评审", "网上报名时间为3月初-5月底 申报材料受理截止时间以受理部门通知为准"),
        ("苏州市纺织丝绸工程技术中级资格评审委员会", "全市纺织丝绸工程中级、初级", "苏州市纺织工业协会", "",
         "网上报名时间为4月1日-7月31日 申报材料受理时间截止到8月底"),
        ("苏州市质量工程中级专业技术资格评审委员会", "全市质量工程中级、初级", "苏州市市场监督管理局",
         "网上申报、纸质材料评审", "网上报名时间为5月-8月 申报材料受理截止时间以受理部门通知为准"),
    ],
]

# What each committee accepts, read from its 受理范围及级别 cell (quoted).  regions: None = 全市; excluded:
# the （除…） list.  Level 副高 is the contract's 高级.  Specialty names are the contract's enum values.
COMMITTEE_SCOPE = {
    # 全市建设工程高级
    "江苏省苏州市建设工程高级专业技术资格评审委员会": (("建设",), SENIOR, None, ()),
    # 全市机械工程高级
    "江苏省苏州市机械工程高级专业技术资格评审委员会": (("机械",), SENIOR, None, ()),
    # 全市数字经济（电子信息）工程高级
    "江苏省苏州市数字经济（电子信息）工程高级专业技术资格评审委员会": (("电子信息",), SENIOR, None, ()),
    # 全市化工工程高级
    "江苏省苏州市化工工程高级专业技术资格评审委员会": (("化工",), SENIOR, None, ()),
    # 全市（除昆山市）建设工程中级、初级
    "苏州市建设工程技术中级资格评审委员会": (("建设",), MID_JUNIOR, None, ("昆山",)),
    # 全市（除昆山市、吴江区、工业园区）数字经济（电子信息）工程中级、初级
    "苏州市数字经济（电子信息）工程技术中级资格评审委员会": (("电子信息",), MID_JUNIOR, None, ("昆山", "吴江", "工业园区")),
    # 全市（除昆山市、吴江区、工业园区）机械工程中级、初级
    "苏州市机械工程技术中级资格评审委员会": (("机械",), MID_JUNIOR, None, ("昆山", "吴江", "工业园区")),
    # 全市（除工业园区）化学工程中级、初级
    "苏州市化学工程技术中级资格评审委员会": (("化工",), MID_JUNIOR, None, ("工业园区",)),
    # 全市水利水务专业技术中级、初级
    "苏州市水利水务专业技术中级资格评审委员会": (("水利",), MID_JUNIOR, None, ()),
    # 全市轻工工程专业技术中级、初级
    "苏州市轻工工程专业技术中级资格评审委员会": (("轻工",), MID_JUNIOR, None, ()),
    # 全市药学专业（药品）技术中级、初级
    "苏州市药学专业（药品）中级专业技术资格评审委员会": (("药学",), MID_JUNIOR, None, ()),
    # 全市高技能人才中级、初级
    "苏州市高技能人才中级专业技术资格评审委员会": (("高技能人才",), MID_JUNIOR, None, ()),
    # 全市技工学校教师中级、初级
    "苏州市技工学校教师中级资格评审委员会": (("技工学校教师",), MID_JUNIOR, None, ()),
    # 全市生物医药工程副高
    "江苏省苏州市生物医药工程高级专业技术资格（副高）评审委员会": (("生物医药",), SENIOR, None, ()),
    # 全市生物医药工程中级、初级
    "苏州市生物医药工程技术中级资格评审委员会": (("生物医药",), MID_JUNIOR, None, ()),
    # 工业园区化工工程中级、初级
    "苏州工业园区化工工程中级专业技术资格评审委员会": (("化工",), MID_JUNIOR, ("工业园区",), ()),
    # 昆山市建设工程中级、初级
    "昆山市建设工程中级专业技术资格评审委员会": (("建设",), MID_JUNIOR, ("昆山",), ()),
    # 昆山市机械工程、数字经济（电子信息）工程中级、初级
    "昆山市机械工程、数字经济（电子信息）中级专业技术资格评审委员会": (("机械", "电子信息"), MID_JUNIOR, ("昆山",), ()),
    # 吴江区机械工程、数字经济（电子信息）工程中级、初级
    "吴江区机械工程、数字经济（电子信息）工程中级专业技术资格评审委员会": (("机械", "电子信息"), MID_JUNIOR, ("吴江",), ()),
    # 全市环保工程中级、初级
    "苏州市环保工程中级专业技术资格评审委员会": (("环保",), MID_JUNIOR, None, ()),
    # 工业园区机械工程、数字经济（电子信息）工程中级、初级
    "苏州工业园区机械工程、数字经济（电子信息）工程中级专业技术资格评审委员会":
        (("机械", "电子信息"), MID_JUNIOR, ("工业园区",), ()),
    # 全市交通工程（含铁路工程、智能交通）中级、初级
    "苏州市交通工程技术中级资格评审委员会": (("交通",), MID_JUNIOR, None, ()),
    # 全市数字经济（集成电路）工程高级 / 中级、初级
    "江苏省苏州市数字经济（集成电路）工程高级专业技术资格评审委员会": (("集成电路",), SENIOR, None, ()),
    "苏州市数字经济（集成电路）工程中级专业技术资格评审委员会": (("集成电路",), MID_JUNIOR, None, ()),
    # 全市数字经济（工业互联网）工程高级 / 中级、初级
    "江苏省苏州市数字经济（工业互联网）工程高级专业技术资格评审委员会": (("工业互联网",), SENIOR, None, ()),
    "苏州市数字经济（工业互联网）工程中级专业技术资格评审委员会": (("工业互联网",), MID_JUNIOR, None, ()),
    # 全市数字经济（区块链）工程高级 / 中级、初级
    "江苏省苏州市数字经济（区块链）工程高级专业技术资格评审委员会": (("区块链",), SENIOR, None, ()),
    "苏州市数字经济（区块链）工程中级专业技术资格评审委员会": (("区块链",), MID_JUNIOR, None, ()),
    # 全市数字经济（网络安全）工程中级、初级
    "苏州市数字经济（网络安全）工程中级专业技术资格评审委员会": (("网络安全",), MID_JUNIOR, None, ()),
    # 全市冶金工程中级、初级
    "苏州市冶金工程技术中级资格评审委员会": (("冶金",), MID_JUNIOR, None, ()),
    # 全市纺织丝绸工程中级、初级
    "苏州市纺织丝绸工程技术中级资格评审委员会": (("纺织",), MID_JUNIOR, None, ()),
    # 全市质量工程中级、初级
    "苏州市质量工程中级专业技术资格评审委员会": (("质量",), MID_JUNIOR, None, ()),
}
# Note: no row accepts 正高级 (CONTRACT: 正高级 is routed by no committee), nor 水利/轻工/药学/技工学校教师/
# 高技能人才/网络安全/交通/环保/冶金/纺织/质量 高级.

# ---------------------------------------------------------------------------------------------------------------
# 一 受理部门: which department runs which committees, and the 具体承办 unit named in brackets.
#   (item, specialties, levels, region restriction or None, authority, organizer)
# The 一(一) items are specific carve-outs; 一(二) is the service centre's general remit.  First match wins.
# ---------------------------------------------------------------------------------------------------------------

CLAUSE_ONE = [
    ("一(一)1", ("交通",), MID_JUNIOR, None, "苏州市综合交通运输学会", None),
    ("一(一)2", ("环保",), MID_JUNIOR, None, "苏州市环保产业协会", None),
    ("一(一)3", ("冶金",), MID_JUNIOR, None, "苏州市冶金行业协会", None),
    ("一(一)4", ("纺织",), MID_JUNIOR, None, "苏州市纺织工业协会", None),
    # 全市生物医药工程高中初级、工业园区化工工程中初级→工业园区人社局（苏州工业园区生物医药产业促进会具体承办）
    ("一(一)5", ("生物医药",), ("高级", "中级", "初级"), None, "工业园区人社局", "苏州工业园区生物医药产业促进会"),
    ("一(一)5", ("化工",), MID_JUNIOR, "工业园区", "工业园区人社局", "苏州工业园区生物医药产业促进会"),
    ("一(一)6", ("集成电路",), ("高级", "中级", "初级"), None, "工业园区人社局", "苏州中科集成电路设计中心有限公司"),
    ("一(一)7", ("工业互联网",), ("高级", "中级", "初级"), None, "吴江区人社局", "江苏省工业互联网发展研究中心"),
    ("一(一)8", ("区块链",), ("高级", "中级", "初级"), None, "相城区人社局", "梧桐链数字科技研究院（苏州）有限公司"),
    ("一(一)9", ("网络安全",), MID_JUNIOR, None, "中共苏州市委网信办", None),
    ("一(一)10", ("质量",), MID_JUNIOR, None, "苏州市市场监督管理局", None),
    ("一(一)11", ("建设", "机械", "电子信息"), MID_JUNIOR, "昆山", "昆山市人社局", None),
    ("一(一)12", ("机械", "电子信息"), MID_JUNIOR, "吴江", "吴江区人社局", None),
    ("一(一)13", ("机械", "电子信息"), MID_JUNIOR, "工业园区", "工业园区人社局", "苏州工业园区人力资源开发有限公司"),
    ("一(二)1", ("建设", "机械", "电子信息", "化工"), SENIOR, None, SERVICE_CENTER, None),
    ("一(二)2", ("建设", "机械", "电子信息", "化工", "水利", "轻工"), MID_JUNIOR, None, SERVICE_CENTER, None),
    ("一(二)3", ("药学", "技工学校教师"), MID_JUNIOR, None, SERVICE_CENTER, None),
    # 高技能人才 appears only in 附件1: 一 names no 受理部门 for it (CONTRACT) -> authority null.
]

# ---------------------------------------------------------------------------------------------------------------
# Receivers.  CONTRACT: where 附件1's 申报材料受理部门 is 各市、区人社局职称部门, the receiver follows `region`.
# ---------------------------------------------------------------------------------------------------------------

LOCAL_HRSS_PREFIX = "各市、区人社局职称部门"
REGION_RECEIVER = {
    # 附件1: 社保归属地在工业园区、高新区、市本级的申报人员，将申报材料直接递交至苏州市专业技术人员服务中心
    "工业园区": SERVICE_CENTER,
    "高新区": SERVICE_CENTER,
    "市本级": SERVICE_CENTER,
    "姑苏": "姑苏区高层次人才一站式服务中心",
    "吴中": "吴中区人社局人力资源管理科",
    "相城": "相城区人力资源管理服务中心",
    "吴江": "吴江区职称评价中心",
    "昆山": "昆山市人社局职业能力建设与专业技术人员管理科",
    "张家港": "张家港市人社局人才开发与专业技术人员管理科",
    "常熟": "常熟市人社局人才开发与专业技术人员管理科",
    "太仓": "太仓市人社局人才与职技管理科",
}

# 附件2 受理部门通讯录, rows copied as extracted (受理部门, 地址, 电话); squeeze() removes the added spaces.
ANNEX2_RAW = [
    ("苏州市专业技术人员服务中心", "苏州市桐泾北路 11 号综合楼 1 楼", "69820556"),
    ("姑苏区高层次人才一站式服务中心", "解放东路 117 号姑苏区政务服务中心 2 楼 39 号窗口", "68723212"),
    ("苏州工业园区人力资源管理服务中心", "旺墩路 168 号市场大厦西南一楼", "66620390 66620386"),
    ("苏州高新区（虎丘区）人力资源开发管理中心", "高新区狮山路 22 号人才广场 3 楼 5-6 号窗口", "68257969"),
    ("吴中区人社局人力资源管理科", "吴中区越溪苏街 198 号吴中商务中心 B 楼 718 室", "65252790"),
    ("吴江区职称评价中心", "吴江区开平路 3688 号水秀天地苏州湾大厦 2 楼民生业务服务区", "63950287"),
    ("相城区人力资源管理服务中心", "阳澄湖东路 8 号行政中心 3 号楼相城区人力资源和社会保障局 206 室", "67591831"),
    ("张家港市人社局人才开发与专业技术人员管理科", "张家港市华昌路 3 号港城大厦 608 室", "58173520"),
    ("常熟市人社局人才开发与专业技术人员管理科", "常熟市新颜路 215 号 1 号楼 507 室", "52805322"),
    ("太仓市人社局人才与职技管理科", "太仓市十八港路 29 号 1310 室", "53542494"),
    ("昆山市人社局职业能力建设与专业技术人员管理科", "昆山人力资源市场人才全链服务大厅 7 号窗口（崂山路 9 号）", "57327111"),
    ("苏州工业园区生物医药产业促进会", "苏州工业园区星湖街 218 号 B2 楼 1 楼生物医药产业综合服务中心", "67991580-6006"),
    ("苏州市环保产业协会", "苏州市姑苏区桂和坊 4 号 3 楼", "65204086"),
    ("苏州市综合交通运输学会", "苏州市南环东路 1 号南 5 楼", "68355227"),
    ("苏州市纺织工业协会", "苏州市姑苏区养育巷 415 号 10 幢 2 楼", "65163472"),
    ("苏州市冶金行业协会", "张家港市锦丰镇永新路 1 号行政大楼 11 楼 1102", "58568850 58566902"),
    ("苏州市市场监督管理局", "苏州市姑苏区平泖路 188 号东楼 1107", "69851127"),
    ("中共苏州市委网络安全和信息化委员会办公室", "苏州市姑苏区三香路 998 号 5 号楼 12 楼 1212", "68610242"),
    ("江苏省工业互联网发展研究中心", "苏州市吴江区鲈乡南路 501 号", "60908902"),
    ("苏州中科集成电路设计中心有限公司", "苏州工业园区金鸡湖大道 1355 号国际科技园一期 6 幢 161、162", "62889085 62889065"),
    ("梧桐链数字科技研究院（苏州）有限公司", "苏州市相城区高铁新城青龙港路 66 号领寓商务广场 12 楼", "66188618"),
]
# name -> (address, phone).  Note: 附件1's 苏州工业园区人力资源开发有限公司 has no 附件2 entry (附件2's
# 苏州工业园区人力资源管理服务中心 is a different body), so its address and phone are null (CONTRACT).
ANNEX2 = {squeeze(n): (squeeze(a), " ".join(p.split())) for n, a, p in ANNEX2_RAW}

# ---------------------------------------------------------------------------------------------------------------
# 附件1 申报时间 parsing (CONTRACT "A window is given as dates only where 附件1 gives its ends as days")
# ---------------------------------------------------------------------------------------------------------------


def _day(text):
    """'4月30日' -> date; 'N月底' -> the month's last day; 'N月初' or a bare 'N月' gives no day -> None."""
    m = re.fullmatch(r"(\d{1,2})月(\d{1,2})日", text)
    if m:
        return _dt.date(YEAR, int(m.group(1)), int(m.group(2)))
    m = re.fullmatch(r"(\d{1,2})月底", text)
    if m:
        month = int(m.group(1))
        return _dt.date(YEAR, month, calendar.monthrange(YEAR, month)[1])
    return None


def parse_schedule(cell):
    """Return (online_from, online_to, materials_from, materials_until, wording) for one 申报时间 cell."""
    text = re.sub(r"\s+", "", cell)
    k = text.find("申报材料")
    online_part, materials_part = (text[:k], text[k:]) if k >= 0 else (text, "")
    online_from = online_to = None
    m = re.fullmatch(r"网上报名时间为(.+?)-(.+)", online_part)
    if m:
        online_from, online_to = _day(m.group(1)), _day(m.group(2))
        if online_from is None or online_to is None:     # both dates or both null
            online_from = online_to = None
    materials_from = materials_until = None
    m = re.fullmatch(r"申报材料受理时间为(.+?)-(.+)", materials_part)
    if m:                                                   # e.g. 4月1日-5月10日
        materials_from, materials_until = _day(m.group(1)), _day(m.group(2))
    else:
        m = re.fullmatch(r"申报材料受理(?:截止时间为|时间截止到)(.+)", materials_part)
        if m:                                               # only an end: materials_from null
            materials_until = _day(m.group(1))
        # else: 申报材料受理截止时间以受理部门通知为准 -> defers to the receiver's own notice: null
    wording = " ".join(p for p in (online_part, materials_part) if p)
    return online_from, online_to, materials_from, materials_until, wording


def _build_committees():
    committees = {}
    order = []
    for block in ANNEX1_BLOCKS:
        above = None
        for row in block:
            cells = list(row)
            if above is not None:
                cells = [c if c.strip() else a for c, a in zip(cells, above)]   # merged-cell fill-down
            above = cells
            name, scope, receiver_cell, mode_cell, schedule_cell = (squeeze(c) for c in cells)
            of, ot, mf, mu, wording = parse_schedule(schedule_cell)
            mode = "纸质材料评审" if "纸质材料评审" in mode_cell else "无纸化评审" if "无纸化评审" in mode_cell else None
            committees[name] = {
                "name": name, "scope_text": scope, "receiver_cell": receiver_cell, "review_mode": mode,
                "online_from": of, "online_to": ot, "materials_from": mf, "materials_until": mu,
                "schedule_note": wording if (of is None or mu is None) else None,
            }
            order.append(name)
    return committees, order


COMMITTEES, COMMITTEE_ORDER = _build_committees()

# ---------------------------------------------------------------------------------------------------------------
# Routing
# ---------------------------------------------------------------------------------------------------------------


def route(specialty, level, region):
    """The 附件1 committee accepting this applicant, or None (正高级, or a specialty/level no row accepts)."""
    found = []
    for name in COMMITTEE_ORDER:
        specs, levels, only, excluded = COMMITTEE_SCOPE[name]
        if specialty in specs and level in levels and (only is None or region in only) and region not in excluded:
            found.append(name)
    assert len(found) <= 1, (specialty, level, region, found)
    return found[0] if found else None


def authority_of(specialty, level, region):
    """一: (authority, organizer) of the department running the committee this applicant is routed to."""
    for _item, specs, levels, reg, authority, organizer in CLAUSE_ONE:
        if specialty in specs and level in levels and (reg is None or reg == region):
            return authority, organizer
    return None, None   # 高技能人才: 一 names none


def receiver_of(committee, region):
    cell = COMMITTEES[committee]["receiver_cell"]
    if cell.startswith(LOCAL_HRSS_PREFIX):       # 各市、区人社局职称部门 -> by region (CONTRACT)
        return REGION_RECEIVER[region]
    return cell


# ---------------------------------------------------------------------------------------------------------------
# Record validation (CONTRACT "Applicant record")
# ---------------------------------------------------------------------------------------------------------------

REQUIRED = object()

CE_FIELDS = [               # {year: int, hours: number, xxqg_points: number, professional_hours: number}
    ("year", "int", REQUIRED),          # the entry's key: not a "number", so required (a missing number is 0)
    ("hours", "number", 0),
    ("xxqg_points", "number", 0),
    ("professional_hours", "number", 0),
]
PAPER_FIELDS = [            # missing bools: first_author true, foreign false, translated false, matches_specialty true
    ("title", "string", REQUIRED),
    ("date", "date", REQUIRED),
    ("similarity", "number", REQUIRED),
    ("first_author", "bool", True),
    ("foreign", "bool", False),
    ("translated", "bool", False),
    ("matches_specialty", "bool", True),
]
SUBSTITUTE_FIELDS = [
    ("kind", ("enum", SUBSTITUTE_KINDS), REQUIRED),
    ("also_as_achievement", "bool", False),    # optional: examples.jsonl E07 omits it in a decided record
]
RECORD_FIELDS = [
    ("id", "string", REQUIRED),
    ("specialty", ("enum", SPECIALTIES), REQUIRED),
    ("level", ("enum", LEVELS), REQUIRED),
    ("region", ("enum", REGIONS), REQUIRED),
    ("submitted_by", ("enum", SUBMITTED_BY), REQUIRED),
    ("current_title_date", "date", REQUIRED),
    ("unit_type", ("enum", UNIT_TYPES), "本地"),
    ("applications_this_year", "posint", 1),
    ("exceptional", "bool", False),
    ("major_matches", "bool", True),
    ("ce", ("list", CE_FIELDS), ()),
    ("papers", ("list", PAPER_FIELDS), ()),
    ("substitutes", ("list", SUBSTITUTE_FIELDS), ()),
    ("patents_as_achievement", "int", 0),
    ("patent_benefit_proof", "bool", False),
    ("awards", "int", 0),
    ("award_proof", "bool", False),
    ("self_assessment_uploaded", "bool", False),
    ("integrity_record_date", "date", None),
]


class RecordError(Exception):
    def __init__(self, field, what):
        super().__init__("%s: %s" % (field, what) if field else what)
        self.field = field


def parse_date(value):
    """A date is a string YYYY-MM-DD naming a real calendar day; anything else is None."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return _dt.date(int(value[:4]), int(value[5:7]), int(value[8:10]))
    except ValueError:
        return None


def _suggest(value, choices):
    if not isinstance(value, str):
        return None
    for c in choices:                      # 吴江区 -> 吴江, 高级  -> 高级
        if c in value or (len(value) >= 2 and value in c):
            return c
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.5)
    return close[0] if close else None


def _check_value(path, kind, value):
    """Check one non-null value against its declared type; return it in decided form."""
    if kind == "string":
        if not isinstance(value, str):
            raise RecordError(path, "expected a string")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise RecordError(path, "expected a bool")
        return value
    if kind in ("int", "posint"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise RecordError(path, "expected an integer" + (" >= 1" if kind == "posint" else ""))
        if kind == "posint" and value < 1:      # applications_this_year: integer >= 1
            raise RecordError(path, "expected an integer >= 1")
        return value
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise RecordError(path, "expected a number")
        return value
    if kind == "date":
        d = parse_date(value)
        if d is None:
            raise RecordError(path, "expected a date")
        return d
    if kind[0] == "enum":
        if not isinstance(value, str):
            raise RecordError(path, "expected a string, one of %r" % (kind[1],))
        if value not in kind[1]:
            msg = "%r is not one of %r" % (value, kind[1])
            hint = _suggest(value, kind[1])
            if hint:
                msg += "; did you mean %r?" % hint
            raise RecordError(path, msg)
        return value
    if kind[0] == "list":
        if not isinstance(value, list):
            raise RecordError(path, "expected a list")
        out = []
        for i, element in enumerate(value):
            epath = "%s[%d]" % (path, i)
            if not isinstance(element, dict):
                raise RecordError(epath, "expected an object")
            out.append(_check_object(epath + ".", kind[1], element))
        return out
    raise AssertionError(kind)


def _check_object(prefix, fields, obj):
    out = {}
    for name, kind, default in fields:
        value = obj.get(name)
        if value is None:        # absent, or null: "An optional field given as null takes its default"
            if default is REQUIRED:
                raise RecordError(prefix + name, "missing")
            out[name] = list(default) if isinstance(default, tuple) else default
        else:
            out[name] = _check_value(prefix + name, kind, value)
    return out                   # fields not listed are ignored


def _reject_constant(name):
    raise ValueError("%s is not JSON" % name)   # Python accepts NaN/Infinity; JSON does not


def check_record(obj):
    """Validate a parsed JSON value; return the record with defaults applied (dates as datetime.date)."""
    if not isinstance(obj, dict):
        raise RecordError(None, "expected a JSON object, got %s" % type(obj).__name__)
    return _check_object("", RECORD_FIELDS, obj)


def parse_line(line_text, line_no):
    """(record, None) for a contract-valid line; (None, error object) otherwise."""
    record, error, _field = parse_line_ex(line_text, line_no)
    return record, error


def parse_line_ex(line_text, line_no):
    """As parse_line, plus the field the error names (None for a line that is not a JSON object at all)."""
    rid = None
    try:
        if isinstance(line_text, bytes):
            try:
                line_text = line_text.decode("utf-8")
            except UnicodeDecodeError as e:
                raise RecordError(None, "invalid JSON: not UTF-8 (%s)" % e.reason)
        try:
            obj = json.loads(line_text, parse_constant=_reject_constant)
        except (ValueError, RecursionError) as e:
            raise RecordError(None, "invalid JSON: %s" % e)
        if isinstance(obj, dict) and isinstance(obj.get("id"), str):
            rid = obj["id"]
        return check_record(obj), None, None
    except RecordError as e:
        return None, {"line": line_no, "id": rid, "error": str(e)}, e.field


def validate(line_text, line_no):
    """None when the line is a contract-valid record, else the error object {line, id, error}."""
    return parse_line(line_text, line_no)[1]


def error_field(error_text):
    """The field an error message names: the text before the first ':'."""
    return error_text.split(":", 1)[0].strip()


# ---------------------------------------------------------------------------------------------------------------
# Decision (CONTRACT "Decision" and "How the policy reads the notice")
# ---------------------------------------------------------------------------------------------------------------

DECISION_FIELDS = ["id", "committee", "authority", "organizer", "receiver", "receiver_address", "receiver_phone",
                   "review_mode", "online_from", "online_to", "materials_from", "materials_until", "schedule_note",
                   "interview", "review_allowed", "tenure_years", "status", "findings"]


def whole_years(start, end):
    """Whole years from start to end, never negative (八(三) tenure)."""
    if start >= end:
        return 0
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return max(0, years)


def add_years(d, n):
    try:
        return d.replace(year=d.year + n)
    except ValueError:           # 29 Feb -> 28 Feb (never near 2024-01-10, so either choice decides the same)
        return d.replace(year=d.year + n, day=28)


def _num(x):
    return ("%g" % x) if isinstance(x, float) else str(x)


def _ce_counts(entries, T, hours_min, xxqg_min):
    """三(一)/三(三): the counted years (T < year <= 2023) meeting hours >= hours_min, or xxqg >= xxqg_min from 2020."""
    good = set()
    for e in entries:
        y = e["year"]
        if not (T < y <= LAST_CE_YEAR):
            continue
        if e["hours"] >= hours_min or (y >= XXQG_FIRST_YEAR and e["xxqg_points"] >= xxqg_min):
            good.add(y)
    return sorted(good)


def _senior_ce_missing(entries, T):
    """三(二)/三(三) 正高级: the years T < year <= 2023 with no entry meeting 72 学时 (hours + professional_hours),
    or (from 2020) 1000 学习强国 points plus 48 professional hours."""
    ok = set()
    for e in entries:
        y = e["year"]
        if not (T < y <= LAST_CE_YEAR):
            continue
        if e["hours"] + e["professional_hours"] >= 72 or (
                y >= XXQG_FIRST_YEAR and e["xxqg_points"] >= 1000 and e["professional_hours"] >= 48):
            ok.add(y)
    return [y for y in range(T + 1, LAST_CE_YEAR + 1) if y not in ok]


def decide(record):
    """The decision for one record (a dict as read from JSON, or as returned by check_record)."""
    r = record if isinstance(record.get("current_title_date"), _dt.date) else check_record(record)
    spec, level, region = r["specialty"], r["level"], r["region"]
    findings = []

    def add(clause, kind, message):
        findings.append({"clause": clause, "kind": kind, "message": message})

    out = dict.fromkeys(DECISION_FIELDS)
    out["id"] = r["id"]

    # 一 / 附件1 / 附件2: routing
    committee = route(spec, level, region)
    if committee is None:
        add("一", "warning", "%s%s不在本通知附件1任何评委会的受理范围内，本通知未指定评委会与受理部门" % (spec, level))
    else:
        c = COMMITTEES[committee]
        authority, organizer = authority_of(spec, level, region)
        receiver = receiver_of(committee, region)
        address, phone = ANNEX2.get(receiver, (None, None))
        until = iso(c["materials_until"])
        if until is not None and authority == SERVICE_CENTER:     # 九(一) ... 4月30日17:00 (一(二) committees)
            until += "T" + SERVICE_CENTER_DEADLINE_HOUR
        out.update({
            "committee": committee, "authority": authority, "organizer": organizer, "receiver": receiver,
            "receiver_address": address, "receiver_phone": phone, "review_mode": c["review_mode"],
            "online_from": iso(c["online_from"]), "online_to": iso(c["online_to"]),
            "materials_from": iso(c["materials_from"]), "materials_until": until,
            "schedule_note": c["schedule_note"],
        })

    # 三 继续教育.  T = year of current_title_date; counted years T < year <= 2023; 学习强国 only from 2020 on.
    T = r["current_title_date"].year
    if level in ("中级", "高级"):
        # 三(一) 工程师: 4 years x 14 学时 (三(三): or 500 学分); 高级工程师: 4 years x 24 学时 (or 1000 学分)
        hours_min, xxqg_min = (14, 500) if level == "中级" else (24, 1000)
        good = _ce_counts(r["ce"], T, hours_min, xxqg_min)
        if len(good) < 4:
            add("三(一)", "violation",
                "继续教育不足：取得现职称（%d年）后至2023年仅%d年（%s）达到每年公共科目%d学时或“学习强国”%d学分"
                "（2020年起），至少需要4年" % (T, len(good), "、".join(map(str, good)) or "无", hours_min, xxqg_min))
    elif level == "正高级":
        # 三(二) 每年不少于72学时; 三(三) 或1000学分同时48学时专业科目 (2020年起)
        missing = _senior_ce_missing(r["ce"], T)
        if missing:
            add("三(二)", "violation",
                "继续教育不足：取得副高级职称（%d年）以来以下年份未达到每年72学时（或“学习强国”1000学分+48学时专业科目）："
                "%s" % (T, "、".join(map(str, missing))))
    # 初级: no requirement

    # 四(一) 《能力业绩自评表》
    if not r["self_assessment_uploaded"]:
        add("四(一)", "todo", "请在申报系统中上传《能力业绩自评表》至“其他材料”")

    # 四(二), 八(三), 九(六): one finding per paper and condition
    for p in r["papers"]:
        t = "论文《%s》" % p["title"]
        if p["similarity"] > SIMILARITY_MAX:                              # 四(二) 查重率不得超过30%
            add("四(二)", "violation", "%s查重率%s%%，超过30%%" % (t, _num(p["similarity"])))
        if p["foreign"] and not p["translated"]:                          # 四(二) 外文需同时提供中文译稿
            add("四(二)", "violation", "%s为外文撰写或发表，需同时提供中文译稿" % t)
        if not p["first_author"]:                                        # 四(二) 一般要求独立完成或第一作者
            add("四(二)", "warning", "%s非独立完成或第一作者撰写" % t)
        if p["date"] > ACHIEVEMENT_CUTOFF:                               # 八(三) 论文截止2024年4月30日
            add("八(三)", "warning", "%s日期%s晚于2024年4月30日截止时间，不予计算" % (t, p["date"].isoformat()))
        if not p["matches_specialty"]:                                   # 九(六) 须与申报专业类别一致
            add("九(六)", "violation", "%s内容与申报的专业类别不一致" % t)

    # 五 面试答辩
    if level == "高级":
        out["interview"] = "required" if (r["exceptional"] or not r["major_matches"]) else "possible"  # 五(一)
    elif level == "正高级":
        out["interview"] = "required"                                                             # 五(二)
    else:
        out["interview"] = "none"
    # 七 复核 (正高级工程师除外)
    out["review_allowed"] = level != "正高级"
    # 八(三) 资历截止2023年12月31日
    out["tenure_years"] = whole_years(r["current_title_date"], TENURE_CUTOFF)

    # 八(一) 不受理中介公司代为申报
    if r["submitted_by"] == "中介":
        add("八(一)", "violation", "申报材料由中介公司代为申报，不予受理；须由所在单位或本人直接递交")
    # 八(二) 同一年度只能向一个评审委员会提出申请
    if r["applications_this_year"] > 1:
        add("八(二)", "violation", "本年度已向%d个评审委员会提出申请，不得多头报送" % r["applications_this_year"])
    # 八(四) 诚信档案 记录期3年, counted against the notice's date 2024-01-10
    d = r["integrity_record_date"]
    if d is not None and add_years(d, INTEGRITY_RECORD_YEARS) > NOTICE_DATE:
        add("八(四)", "violation", "诚信档案记录（%s记入学术造假/失范）仍在3年记录期内，一票否决" % d.isoformat())

    # 九(三) 论文替代
    subs = r["substitutes"]
    if level in ("高级", "正高级"):
        for i, s in enumerate(subs, 1):
            if s["also_as_achievement"]:
                add("九(三)", "violation", "第%d项替代论文的成果（%s）又作为业绩使用：替代论文的成果不得再作为业绩重复使用" % (i, s["kind"]))
    elif subs:
        add("九(三)", "warning", "仅申报高级职称可用%s等替代论文" % "、".join(s["kind"] for s in subs))
    # 九(四) 专利作为业绩须附效益证明
    if r["patents_as_achievement"] > 0 and not r["patent_benefit_proof"]:
        add("九(四)", "todo", "%d项作为业绩的专利须提供社会、经济效益证明材料" % r["patents_as_achievement"])
    # 九(五) 获奖成果须附证明
    if r["awards"] > 0 and not r["award_proof"]:
        add("九(五)", "todo", "%d项获奖成果须提交相应的专题证明材料" % r["awards"])
    # 九(七) 委托评审函
    if r["unit_type"] in ("中央驻苏", "外省驻苏", "军队"):
        add("九(七)", "todo", "%s单位人员须经主管部门同意向所在设区市人社局提交委托函" % r["unit_type"])

    # status
    if committee is None:
        out["status"] = "unrouted"
    elif any(f["kind"] == "violation" for f in findings):
        out["status"] = "ineligible"
    else:
        out["status"] = "eligible"
    out["findings"] = findings
    return out


def run_line(line_text, line_no):
    """The output object for one input line: a decision, or an error object."""
    record, error = parse_line(line_text, line_no)
    return error if error is not None else decide(record)


# ---------------------------------------------------------------------------------------------------------------
# Self-test
# ---------------------------------------------------------------------------------------------------------------

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
NOTICE_TEXT = os.path.join(ROOT, "policies", "suzhou-2024.notice.txt")
EXAMPLES = os.path.join(ROOT, "tests", "golden", "decisions", "notice-examples.jsonl")
CONTRACT_EXPECTED = os.path.join(HERE, "notice-examples.contract.jsonl")


def _finding_keys(findings):
    return sorted((f["clause"], f["kind"]) for f in findings)


def self_test():
    problems = []
    # every specialty x level x region routes to at most one committee; authority is a property of the committee
    seen = {}
    for s in SPECIALTIES:
        for lv in LEVELS:
            for rg in REGIONS:
                c = route(s, lv, rg)
                if c is not None:
                    seen.setdefault(c, set()).add(authority_of(s, lv, rg))
    for c in COMMITTEE_ORDER:
        if c not in seen:
            problems.append("committee never routed: " + c)
        elif len(seen[c]) != 1:
            problems.append("committee %s has several authorities %s" % (c, seen[c]))
    if set(COMMITTEE_SCOPE) != set(COMMITTEES):
        problems.append("scope table and 附件1 rows disagree")
    for name, c in COMMITTEES.items():
        if c["review_mode"] is None:
            problems.append("no review mode: " + name)
        if (c["online_from"] is None) != (c["online_to"] is None):
            problems.append("half an online window: " + name)
        if c["receiver_cell"].startswith(LOCAL_HRSS_PREFIX):
            continue
        if c["receiver_cell"] not in ANNEX2 and c["receiver_cell"] != "苏州工业园区人力资源开发有限公司":
            problems.append("receiver without 附件2 entry: " + c["receiver_cell"])
    aliases = {"建设": "建设工程", "机械": "机械工程", "电子信息": "数字经济（电子信息）", "化工": "化", "水利": "水利水务",
               "轻工": "轻工工程", "药学": "药学专业（药品）", "技工学校教师": "技工学校教师", "高技能人才": "高技能人才",
               "生物医药": "生物医药工程", "集成电路": "数字经济（集成电路）", "工业互联网": "数字经济（工业互联网）",
               "区块链": "数字经济（区块链）", "网络安全": "数字经济（网络安全）", "交通": "交通工程", "环保": "环保工程",
               "冶金": "冶金工程", "纺织": "纺织丝绸工程", "质量": "质量工程"}
    place = {"昆山": "昆山市", "吴江": "吴江区", "工业园区": "工业园区"}
    for name, (specs, levels, only, excluded) in COMMITTEE_SCOPE.items():
        text = COMMITTEES[name]["scope_text"] if name in COMMITTEES else ""
        for s in specs:
            if aliases[s] not in text:
                problems.append("scope of %s does not name %s" % (name, s))
        if ("中级、初级" in text) != (levels == MID_JUNIOR) or (levels == SENIOR) != text.endswith(("高级", "副高")):
            problems.append("scope levels of %s" % name)
        if only and not text.startswith(tuple(place[r] for r in only)):
            problems.append("scope region of %s" % name)
        if (only is None) != text.startswith("全市"):
            problems.append("scope 全市 of %s" % name)
        for r in excluded:
            if place[r] not in text.split("）")[0]:
                problems.append("scope exclusion %s of %s" % (r, name))
    for rg, rc in REGION_RECEIVER.items():
        if rc not in ANNEX2:
            problems.append("region receiver not in 附件2: %s %s" % (rg, rc))
    # the data was copied from the notice: every name/address must occur in its (space-stripped) text
    with open(NOTICE_TEXT, encoding="utf-8") as f:
        flat = re.sub(r"\s+", "", "".join(line for line in f if not line.startswith("#")))
    for name in COMMITTEES:
        if name not in flat:
            problems.append("committee name not in the notice: " + name)
    for n, a, p in ANNEX2_RAW:
        for piece in (n, a, p):
            if re.sub(r"\s+", "", piece) not in flat:
                problems.append("附件2 text not in the notice: " + piece)
    for _i, _s, _l, _r, authority, organizer in CLAUSE_ONE:
        for piece in (authority, organizer):
            if piece and piece not in flat:
                problems.append("一 text not in the notice: " + piece)
    # examples vs expected
    ex_path, exp_path = EXAMPLES, CONTRACT_EXPECTED
    n = 0
    with open(ex_path, "rb") as f:
        lines = f.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    with open(exp_path, encoding="utf-8") as f:
        expected = [json.loads(x) for x in f if x.strip()]
    if len(lines) != len(expected):
        problems.append("examples/expected line counts differ")
    for i, (line, exp) in enumerate(zip(lines, expected), 1):
        n += 1
        got = run_line(line, i)
        if "error" in exp:
            if "error" not in got:
                problems.append("line %d: expected an error, got a decision" % i)
                continue
            for k in ("line", "id"):
                if got[k] != exp[k]:
                    problems.append("line %d: %s %r != %r" % (i, k, got[k], exp[k]))
            if error_field(got["error"]) != error_field(exp["error"]):
                problems.append("line %d: error field %r != %r" % (i, got["error"], exp["error"]))
            continue
        if "error" in got:
            problems.append("line %d: unexpected error %s" % (i, got["error"]))
            continue
        for k in DECISION_FIELDS:
            if k == "findings":
                if _finding_keys(got[k]) != _finding_keys(exp[k]):
                    problems.append("line %d findings %s != %s" % (i, _finding_keys(got[k]),
                                                                  _finding_keys(exp[k])))
                if any(not f["message"] for f in got[k]):
                    problems.append("line %d: empty message" % i)
            elif got[k] != exp[k] or type(got[k]) is not type(exp[k]):
                problems.append("line %d %s: %r != %r" % (i, k, got[k], exp[k]))
        if list(got) != list(exp):
            problems.append("line %d: field order %s" % (i, list(got)))
    for p in problems:
        print("FAIL", p)
    print("self-test: %d examples, %d committees, %d problems" % (n, len(COMMITTEES), len(problems)))
    return not problems


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--table":
        for name in COMMITTEE_ORDER:
            c = COMMITTEES[name]
            print(json.dumps({k: (iso(v) if isinstance(v, _dt.date) else v) for k, v in c.items()},
                             ensure_ascii=False))
        sys.exit(0)
    sys.exit(0 if self_test() else 1)
