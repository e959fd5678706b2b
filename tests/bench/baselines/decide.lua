-- decide.lua: the 2024 Suzhou decisions written by hand in Lua (a baseline for `make bench`, not a second
-- reference): JSON Lines of contract-valid applicants on stdin, one decision per line on stdout, with
-- lua-cjson. Runs under lua5.4 and luajit. It does not validate records (the bench feeds only valid ones).
local cjson = require("cjson")
local decode, encode, null = cjson.decode, cjson.encode, cjson.null
local floor, format, concat = math.floor, string.format, table.concat

local DEPT = {  -- 附件2: name -> {address, phone}
  ["苏州市专业技术人员服务中心"] = {"苏州市桐泾北路11号综合楼1楼", "69820556"},
  ["姑苏区高层次人才一站式服务中心"] = {"解放东路117号姑苏区政务服务中心2楼39号窗口", "68723212"},
  ["吴中区人社局人力资源管理科"] = {"吴中区越溪苏街198号吴中商务中心B楼718室", "65252790"},
  ["吴江区职称评价中心"] = {"吴江区开平路3688号水秀天地苏州湾大厦2楼民生业务服务区", "63950287"},
  ["相城区人力资源管理服务中心"] = {"阳澄湖东路8号行政中心3号楼相城区人力资源和社会保障局206室", "67591831"},
  ["张家港市人社局人才开发与专业技术人员管理科"] = {"张家港市华昌路3号港城大厦608室", "58173520"},
  ["常熟市人社局人才开发与专业技术人员管理科"] = {"常熟市新颜路215号1号楼507室", "52805322"},
  ["太仓市人社局人才与职技管理科"] = {"太仓市十八港路29号1310室", "53542494"},
  ["昆山市人社局职业能力建设与专业技术人员管理科"] = {"昆山人力资源市场人才全链服务大厅7号窗口（崂山路9号）", "57327111"},
  ["苏州工业园区生物医药产业促进会"] = {"苏州工业园区星湖街218号B2楼1楼生物医药产业综合服务中心", "67991580-6006"},
  ["苏州市环保产业协会"] = {"苏州市姑苏区桂和坊4号3楼", "65204086"},
  ["苏州市综合交通运输学会"] = {"苏州市南环东路1号南5楼", "68355227"},
  ["苏州市纺织工业协会"] = {"苏州市姑苏区养育巷415号10幢2楼", "65163472"},
  ["苏州市冶金行业协会"] = {"张家港市锦丰镇永新路1号行政大楼11楼1102", "58568850 58566902"},
  ["苏州市市场监督管理局"] = {"苏州市姑苏区平泖路188号东楼1107", "69851127"},
  ["中共苏州市委网络安全和信息化委员会办公室"] = {"苏州市姑苏区三香路998号5号楼12楼1212", "68610242"},
  ["江苏省工业互联网发展研究中心"] = {"苏州市吴江区鲈乡南路501号", "60908902"},
  ["苏州中科集成电路设计中心有限公司"] = {"苏州工业园区金鸡湖大道1355号国际科技园一期6幢161、162", "62889085 62889065"},
  ["梧桐链数字科技研究院（苏州）有限公司"] = {"苏州市相城区高铁新城青龙港路66号领寓商务广场12楼", "66188618"},
  ["苏州工业园区人力资源开发有限公司"] = {},  -- 附件2 gives no address or phone
}
local COMMITTEE = {  -- 附件1: name -> attributes
  ["江苏省苏州市建设工程高级专业技术资格评审委员会"] = {authority = "苏州市专业技术人员服务中心", receiver_by_region = true, review_mode = "无纸化评审", online_from = "2024-02-20", online_to = "2024-04-19", materials_until = "2024-04-30"},
  ["江苏省苏州市机械工程高级专业技术资格评审委员会"] = {authority = "苏州市专业技术人员服务中心", receiver_by_region = true, review_mode = "无纸化评审", online_from = "2024-02-20", online_to = "2024-04-19", materials_until = "2024-04-30"},
  ["江苏省苏州市数字经济（电子信息）工程高级专业技术资格评审委员会"] = {authority = "苏州市专业技术人员服务中心", receiver_by_region = true, review_mode = "无纸化评审", online_from = "2024-02-20", online_to = "2024-04-19", materials_until = "2024-04-30"},
  ["江苏省苏州市化工工程高级专业技术资格评审委员会"] = {authority = "苏州市专业技术人员服务中心", receiver_by_region = true, review_mode = "无纸化评审", online_from = "2024-02-20", online_to = "2024-04-19", materials_until = "2024-04-30"},
  ["苏州市建设工程技术中级资格评审委员会"] = {authority = "苏州市专业技术人员服务中心", receiver_by_region = true, review_mode = "无纸化评审", online_from = "2024-02-20", online_to = "2024-04-19", materials_until = "2024-04-30"},
  ["苏州市数字经济（电子信息）工程技术中级资格评审委员会"] = {authority = "苏州市专业技术人员服务中心", receiver_by_region = true, review_mode = "无纸化评审", online_from = "2024-02-20", online_to = "2024-04-19", materials_until = "2024-04-30"},
  ["苏州市机械工程技术中级资格评审委员会"] = {authority = "苏州市专业技术人员服务中心", receiver_by_region = true, review_mode = "无纸化评审", online_from = "2024-02-20", online_to = "2024-04-19", materials_until = "2024-04-30"},
  ["苏州市化学工程技术中级资格评审委员会"] = {authority = "苏州市专业技术人员服务中心", receiver_by_region = true, review_mode = "无纸化评审", online_from = "2024-02-20", online_to = "2024-04-19", materials_until = "2024-04-30"},
  ["苏州市水利水务专业技术中级资格评审委员会"] = {authority = "苏州市专业技术人员服务中心", receiver_by_region = true, review_mode = "无纸化评审", online_from = "2024-02-20", online_to = "2024-04-19", materials_until = "2024-04-30"},
  ["苏州市轻工工程专业技术中级资格评审委员会"] = {authority = "苏州市专业技术人员服务中心", receiver_by_region = true, review_mode = "无纸化评审", online_from = "2024-02-20", online_to = "2024-04-19", materials_until = "2024-04-30"},
  ["苏州市药学专业（药品）中级专业技术资格评审委员会"] = {authority = "苏州市专业技术人员服务中心", receiver_by_region = true, review_mode = "无纸化评审", online_from = "2024-02-20", online_to = "2024-04-19", materials_until = "2024-04-30"},
  ["苏州市高技能人才中级专业技术资格评审委员会"] = {receiver_by_region = true, review_mode = "无纸化评审", online_from = "2024-02-20", online_to = "2024-04-19", materials_until = "2024-04-30"},
  ["苏州市技工学校教师中级资格评审委员会"] = {authority = "苏州市专业技术人员服务中心", receiver_by_region = true, review_mode = "无纸化评审", online_from = "2024-02-20", online_to = "2024-04-19", materials_until = "2024-04-30"},
  ["江苏省苏州市生物医药工程高级专业技术资格（副高）评审委员会"] = {authority = "工业园区人社局", organizer = "苏州工业园区生物医药产业促进会", receiver = "苏州工业园区生物医药产业促进会", review_mode = "无纸化评审", online_from = "2024-02-20", online_to = "2024-04-19", materials_from = "2024-04-01", materials_until = "2024-05-10"},
  ["苏州市生物医药工程技术中级资格评审委员会"] = {authority = "工业园区人社局", organizer = "苏州工业园区生物医药产业促进会", receiver = "苏州工业园区生物医药产业促进会", review_mode = "无纸化评审", online_from = "2024-02-20", online_to = "2024-04-19", materials_from = "2024-04-01", materials_until = "2024-05-10"},
  ["苏州工业园区化工工程中级专业技术资格评审委员会"] = {authority = "工业园区人社局", organizer = "苏州工业园区生物医药产业促进会", receiver = "苏州工业园区生物医药产业促进会", review_mode = "无纸化评审", online_from = "2024-02-20", online_to = "2024-04-19", materials_from = "2024-04-01", materials_until = "2024-05-10"},
  ["昆山市建设工程中级专业技术资格评审委员会"] = {authority = "昆山市人社局", receiver = "昆山市人社局职业能力建设与专业技术人员管理科", review_mode = "无纸化评审", online_from = "2024-02-20", online_to = "2024-04-19", materials_until = "2024-04-30"},
  ["昆山市机械工程、数字经济（电子信息）中级专业技术资格评审委员会"] = {authority = "昆山市人社局", receiver = "昆山市人社局职业能力建设与专业技术人员管理科", review_mode = "无纸化评审", online_from = "2024-02-20", online_to = "2024-04-19", materials_until = "2024-04-30"},
  ["吴江区机械工程、数字经济（电子信息）工程中级专业技术资格评审委员会"] = {authority = "吴江区人社局", receiver = "吴江区职称评价中心", review_mode = "无纸化评审", online_from = "2024-02-20", online_to = "2024-04-19", materials_until = "2024-04-30"},
  ["苏州市环保工程中级专业技术资格评审委员会"] = {authority = "苏州市环保产业协会", receiver = "苏州市环保产业协会", review_mode = "无纸化评审", online_from = "2024-02-20", online_to = "2024-04-19", materials_until = "2024-04-30"},
  ["苏州工业园区机械工程、数字经济（电子信息）工程中级专业技术资格评审委员会"] = {authority = "工业园区人社局", organizer = "苏州工业园区人力资源开发有限公司", receiver = "苏州工业园区人力资源开发有限公司", review_mode = "无纸化评审", online_from = "2024-02-20", online_to = "2024-04-19", materials_from = "2024-04-01", materials_until = "2024-05-10"},
  ["苏州市交通工程技术中级资格评审委员会"] = {authority = "苏州市综合交通运输学会", receiver = "苏州市综合交通运输学会", review_mode = "无纸化评审", online_from = "2024-03-18", online_to = "2024-05-31", materials_until = "2024-06-14"},
  ["江苏省苏州市数字经济（集成电路）工程高级专业技术资格评审委员会"] = {authority = "工业园区人社局", organizer = "苏州中科集成电路设计中心有限公司", receiver = "苏州中科集成电路设计中心有限公司", review_mode = "无纸化评审", online_from = "2024-02-26", online_to = "2024-05-06", materials_from = "2024-05-06", materials_until = "2024-05-17"},
  ["苏州市数字经济（集成电路）工程中级专业技术资格评审委员会"] = {authority = "工业园区人社局", organizer = "苏州中科集成电路设计中心有限公司", receiver = "苏州中科集成电路设计中心有限公司", review_mode = "无纸化评审", online_from = "2024-02-26", online_to = "2024-05-06", materials_from = "2024-05-06", materials_until = "2024-05-17"},
  ["江苏省苏州市数字经济（工业互联网）工程高级专业技术资格评审委员会"] = {authority = "吴江区人社局", organizer = "江苏省工业互联网发展研究中心", receiver = "江苏省工业互联网发展研究中心", review_mode = "无纸化评审", online_from = "2024-02-26", online_to = "2024-05-06", materials_from = "2024-05-06", materials_until = "2024-05-17"},
  ["苏州市数字经济（工业互联网）工程中级专业技术资格评审委员会"] = {authority = "吴江区人社局", organizer = "江苏省工业互联网发展研究中心", receiver = "江苏省工业互联网发展研究中心", review_mode = "无纸化评审", online_from = "2024-02-26", online_to = "2024-05-06", materials_from = "2024-05-06", materials_until = "2024-05-17"},
  ["江苏省苏州市数字经济（区块链）工程高级专业技术资格评审委员会"] = {authority = "相城区人社局", organizer = "梧桐链数字科技研究院（苏州）有限公司", receiver = "梧桐链数字科技研究院（苏州）有限公司", review_mode = "无纸化评审", online_from = "2024-02-26", online_to = "2024-05-06", materials_from = "2024-05-06", materials_until = "2024-05-17"},
  ["苏州市数字经济（区块链）工程中级专业技术资格评审委员会"] = {authority = "相城区人社局", organizer = "梧桐链数字科技研究院（苏州）有限公司", receiver = "梧桐链数字科技研究院（苏州）有限公司", review_mode = "无纸化评审", online_from = "2024-02-26", online_to = "2024-05-06", materials_from = "2024-05-06", materials_until = "2024-05-17"},
  ["苏州市数字经济（网络安全）工程中级专业技术资格评审委员会"] = {authority = "中共苏州市委网信办", receiver = "中共苏州市委网络安全和信息化委员会办公室", review_mode = "纸质材料评审", schedule_note = "网上报名时间为3月-6月 申报材料受理截止时间以受理部门通知为准"},
  ["苏州市冶金工程技术中级资格评审委员会"] = {authority = "苏州市冶金行业协会", receiver = "苏州市冶金行业协会", review_mode = "无纸化评审", schedule_note = "网上报名时间为3月初-5月底 申报材料受理截止时间以受理部门通知为准"},
  ["苏州市纺织丝绸工程技术中级资格评审委员会"] = {authority = "苏州市纺织工业协会", receiver = "苏州市纺织工业协会", review_mode = "无纸化评审", online_from = "2024-04-01", online_to = "2024-07-31", materials_until = "2024-08-31"},
  ["苏州市质量工程中级专业技术资格评审委员会"] = {authority = "苏州市市场监督管理局", receiver = "苏州市市场监督管理局", review_mode = "纸质材料评审", schedule_note = "网上报名时间为5月-8月 申报材料受理截止时间以受理部门通知为准"},
}
local ROUTES = {  -- 一: {specialties, levels, region or nil, committee}
  {{"建设"}, {"高级"}, nil, "江苏省苏州市建设工程高级专业技术资格评审委员会"},
  {{"机械"}, {"高级"}, nil, "江苏省苏州市机械工程高级专业技术资格评审委员会"},
  {{"电子信息"}, {"高级"}, nil, "江苏省苏州市数字经济（电子信息）工程高级专业技术资格评审委员会"},
  {{"化工"}, {"高级"}, nil, "江苏省苏州市化工工程高级专业技术资格评审委员会"},
  {{"建设"}, {"中级", "初级"}, nil, "苏州市建设工程技术中级资格评审委员会"},
  {{"电子信息"}, {"中级", "初级"}, nil, "苏州市数字经济（电子信息）工程技术中级资格评审委员会"},
  {{"机械"}, {"中级", "初级"}, nil, "苏州市机械工程技术中级资格评审委员会"},
  {{"化工"}, {"中级", "初级"}, nil, "苏州市化学工程技术中级资格评审委员会"},
  {{"水利"}, {"中级", "初级"}, nil, "苏州市水利水务专业技术中级资格评审委员会"},
  {{"轻工"}, {"中级", "初级"}, nil, "苏州市轻工工程专业技术中级资格评审委员会"},
  {{"药学"}, {"中级", "初级"}, nil, "苏州市药学专业（药品）中级专业技术资格评审委员会"},
  {{"技工学校教师"}, {"中级", "初级"}, nil, "苏州市技工学校教师中级资格评审委员会"},
  {{"高技能人才"}, {"中级", "初级"}, nil, "苏州市高技能人才中级专业技术资格评审委员会"},
  {{"生物医药"}, {"高级"}, nil, "江苏省苏州市生物医药工程高级专业技术资格（副高）评审委员会"},
  {{"生物医药"}, {"中级", "初级"}, nil, "苏州市生物医药工程技术中级资格评审委员会"},
  {{"化工"}, {"中级", "初级"}, "工业园区", "苏州工业园区化工工程中级专业技术资格评审委员会"},
  {{"建设"}, {"中级", "初级"}, "昆山", "昆山市建设工程中级专业技术资格评审委员会"},
  {{"机械", "电子信息"}, {"中级", "初级"}, "昆山", "昆山市机械工程、数字经济（电子信息）中级专业技术资格评审委员会"},
  {{"机械", "电子信息"}, {"中级", "初级"}, "吴江", "吴江区机械工程、数字经济（电子信息）工程中级专业技术资格评审委员会"},
  {{"机械", "电子信息"}, {"中级", "初级"}, "工业园区", "苏州工业园区机械工程、数字经济（电子信息）工程中级专业技术资格评审委员会"},
  {{"环保"}, {"中级", "初级"}, nil, "苏州市环保工程中级专业技术资格评审委员会"},
  {{"交通"}, {"中级", "初级"}, nil, "苏州市交通工程技术中级资格评审委员会"},
  {{"集成电路"}, {"高级"}, nil, "江苏省苏州市数字经济（集成电路）工程高级专业技术资格评审委员会"},
  {{"集成电路"}, {"中级", "初级"}, nil, "苏州市数字经济（集成电路）工程中级专业技术资格评审委员会"},
  {{"工业互联网"}, {"高级"}, nil, "江苏省苏州市数字经济（工业互联网）工程高级专业技术资格评审委员会"},
  {{"工业互联网"}, {"中级", "初级"}, nil, "苏州市数字经济（工业互联网）工程中级专业技术资格评审委员会"},
  {{"区块链"}, {"高级"}, nil, "江苏省苏州市数字经济（区块链）工程高级专业技术资格评审委员会"},
  {{"区块链"}, {"中级", "初级"}, nil, "苏州市数字经济（区块链）工程中级专业技术资格评审委员会"},
  {{"网络安全"}, {"中级", "初级"}, nil, "苏州市数字经济（网络安全）工程中级专业技术资格评审委员会"},
  {{"冶金"}, {"中级", "初级"}, nil, "苏州市冶金工程技术中级资格评审委员会"},
  {{"纺织"}, {"中级", "初级"}, nil, "苏州市纺织丝绸工程技术中级资格评审委员会"},
  {{"质量"}, {"中级", "初级"}, nil, "苏州市质量工程中级专业技术资格评审委员会"},
}

local SERVICE_CENTER = "苏州市专业技术人员服务中心"
local LOCAL_RECEIVER = {  -- 附件1: receivers by region for committees with receiver_by_region
  ["工业园区"] = SERVICE_CENTER, ["高新区"] = SERVICE_CENTER, ["市本级"] = SERVICE_CENTER,
  ["姑苏"] = "姑苏区高层次人才一站式服务中心", ["吴中"] = "吴中区人社局人力资源管理科",
  ["相城"] = "相城区人力资源管理服务中心", ["吴江"] = "吴江区职称评价中心",
  ["昆山"] = "昆山市人社局职业能力建设与专业技术人员管理科",
  ["张家港"] = "张家港市人社局人才开发与专业技术人员管理科",
  ["常熟"] = "常熟市人社局人才开发与专业技术人员管理科", ["太仓"] = "太仓市人社局人才与职技管理科",
}

-- routing index: "specialty|level" -> {all = committee for the whole city, [region] = regional exception}
local CELL = {}
for _, r in ipairs(ROUTES) do
  for _, s in ipairs(r[1]) do
    for _, l in ipairs(r[2]) do
      local key = s .. "|" .. l
      local cell = CELL[key] or {}
      CELL[key] = cell
      if r[3] then cell[r[3]] = r[4] else cell.all = r[4] end
    end
  end
end

local function get(x, default)
  if x == nil or x == null then return default end
  return x
end

local function num(x)  -- a number as the policy prints it
  if x == floor(x) and x > -1e15 and x < 1e15 then return format("%d", x) end
  return format("%.15g", x)
end

local function str(x)  -- a JSON value: string, or null
  if x == nil then return "null" end
  return encode(x)
end

local function year_of(date) return tonumber(date:sub(1, 4)) end

-- 三: the distinct years T < y <= 2023 for which some ce entry passes
local function count_years(ce, first, pass)
  local seen, n = {}, 0
  for i = 1, #ce do
    local e = ce[i]
    local y = e.year
    if y >= first and y <= 2023 and not seen[y] then
      local hours, xxqg, prof = get(e.hours, 0), get(e.xxqg_points, 0), get(e.professional_hours, 0)
      if pass(y, hours, xxqg, prof) then
        seen[y] = true
        n = n + 1
      end
    end
  end
  return n
end
local function pass_engineer(y, h, x) return h >= 14 or (y >= 2020 and x >= 500) end
local function pass_senior(y, h, x) return h >= 24 or (y >= 2020 and x >= 1000) end
local function pass_full(y, h, x, p) return h + p >= 72 or (y >= 2020 and x >= 1000 and p >= 48) end

-- Module-level buffers and helpers, not closures made per record: LuaJIT does not compile closure creation,
-- and output pieces, not one long string per line: LuaJIT interns every string, and many long strings that
-- differ only between its hash's sample points make interning quadratic.
local f, nf, violations = {}, 0, 0   -- the findings of the record being decided, as JSON pieces
local out, n = {}, 0                 -- the output, as pieces, written every 256 lines

local function add(clause, kind, message)
  f[nf + 1] = nf == 0 and '{"clause":' or ',{"clause":'
  f[nf + 2] = encode(clause)
  f[nf + 3] = ',"kind":"'
  f[nf + 4] = kind
  f[nf + 5] = '","message":'
  f[nf + 6] = encode(message)
  f[nf + 7] = '}'
  nf = nf + 7
  if kind == "violation" then violations = violations + 1 end
end

local function put(x)
  n = n + 1
  out[n] = x
end

local function decide(r)
  nf, violations = 0, 0
  local spec, level, region = r.specialty, r.level, r.region
  local f, nf, violations = {}, 0, 0
  local function add(clause, kind, message)
    -- pieces, not one string per finding: LuaJIT interns every string, and many long strings that differ
    -- only between its hash's sample points would make that quadratic
    f[nf + 1] = nf == 0 and '{"clause":' or ',{"clause":'
    f[nf + 2] = encode(clause)
    f[nf + 3] = ',"kind":"'
    f[nf + 4] = kind
    f[nf + 5] = '","message":'
    f[nf + 6] = encode(message)
    f[nf + 7] = '}'
    nf = nf + 7
    if kind == "violation" then violations = violations + 1 end
  end
  local cell = CELL[spec .. "|" .. level]
  local name = cell and (cell[region] or cell.all)
  local c = name and COMMITTEE[name]
  if not c then add("一", "warning", spec .. level .. "不在本通知附件1所列评委会的受理范围内，本通知无受理部门") end

  local ctd = r.current_title_date
  local first = year_of(ctd) + 1
  local ce = get(r.ce, {})
  local papers = get(r.papers, {})
  local subs = get(r.substitutes, {})
  if level == "中级" then
    local n = count_years(ce, first, pass_engineer)
    if n < 4 then
      add("三(一)", "violation", "申报工程师需取得助理工程师以来至少4年、每年14学时的公共科目培训（或自2020年起每年500学习强国学分），现仅" .. n .. "年达标")
    end
  elseif level == "高级" then
    local n = count_years(ce, first, pass_senior)
    if n < 4 then
      add("三(一)", "violation", "申报高级工程师需取得工程师以来至少4年、每年24学时的公共科目培训（或自2020年起每年1000学习强国学分），现仅" .. n .. "年达标")
    end
  elseif level == "正高级" then
    local due = 2023 - first + 1
    if due < 0 then due = 0 end
    local n = count_years(ce, first, pass_full)
    if n < due then
      add("三(二)", "violation", "申报正高级工程师需取得副高级职称以来每年不少于72学时继续教育（或自2020年起1000学习强国学分并完成48学时专业科目），" .. due .. "个年度中有" .. (due - n) .. "年未达标")
    end
  end
  if not get(r.self_assessment_uploaded, false) then
    add("四(一)", "todo", "请在申报系统中上传《能力业绩自评表》至“其他材料”")
  end
  for i = 1, #papers do
    local p = papers[i]
    local t = "论文《" .. p.title .. "》"
    if not get(p.first_author, true) then add("四(二)", "warning", t .. "非独立完成或第一作者撰写") end
    if get(p.foreign, false) and not get(p.translated, false) then
      add("四(二)", "violation", t .. "为外文撰写或发表，未提供中文译稿")
    end
    if p.similarity > 30 then add("四(二)", "violation", t .. "查重率" .. num(p.similarity) .. "%，超过30%") end
  end
  local interview = "none"
  if level == "高级" then
    interview = (get(r.exceptional, false) or not get(r.major_matches, true)) and "required" or "possible"
  elseif level == "正高级" then
    interview = "required"
  end
  if r.submitted_by == "中介" then
    add("八(一)", "violation", "中心不受理中介公司代为申报的材料，申报材料须由所在单位或本人直接递交")
  end
  local apps = get(r.applications_this_year, 1)
  if apps > 1 then add("八(二)", "violation", "同一年度只能向一个评审委员会提出申请，本年度申报了" .. num(apps) .. "个评委会") end
  local tenure = 2023 - year_of(ctd)  -- whole years to 2023-12-31
  if tenure < 0 then tenure = 0 end
  for i = 1, #papers do
    local p = papers[i]
    if p.date > "2024-04-30" then
      add("八(三)", "warning", "论文《" .. p.title .. "》日期" .. p.date .. "晚于成果截止时间2024-04-30，不予计算")
    end
  end
  local ird = get(r.integrity_record_date, nil)
  if ird then
    local ends = format("%04d", year_of(ird) + 3) .. ird:sub(5)  -- + 3 years; 29 Feb compares like 28 Feb here
    if ends > "2024-01-10" then
      add("八(四)", "violation", "诚信档案自" .. ird .. "起记有学术造假或职业道德失范记录，记录期3年未满，一票否决")
    end
  end
  local senior = level == "高级" or level == "正高级"
  for i = 1, #subs do
    local s = subs[i]
    if senior and get(s.also_as_achievement, false) then
      add("九(三)", "violation", "替代论文的" .. s.kind .. "已作学术成果，不得再作为业绩重复使用")
    end
  end
  if not senior and #subs > 0 then
    add("九(三)", "warning", "仅申报高级职称可用发明专利、标准等替代论文，申报" .. level .. "所列" .. #subs .. "项替代成果不作论文替代")
  end
  local patents = get(r.patents_as_achievement, 0)
  if patents > 0 and not get(r.patent_benefit_proof, false) then
    add("九(四)", "todo", "作为业绩的" .. num(patents) .. "项专利需提供相应的社会、经济效益证明材料")
  end
  local awards = get(r.awards, 0)
  if awards > 0 and not get(r.award_proof, false) then
    add("九(五)", "todo", "提交的" .. num(awards) .. "项获奖成果需提交相应的专题证明材料")
  end
  for i = 1, #papers do
    local p = papers[i]
    if not get(p.matches_specialty, true) then add("九(六)", "violation", "论文《" .. p.title .. "》内容与申报的专业类别不一致") end
  end
  local unit = get(r.unit_type, "本地")
  if unit ~= "本地" then
    add("九(七)", "todo", unit .. "单位人员须经主管部门同意，向所在设区市人社局提交委托评审函，核准后方可受理")
  end

  local status = not c and "unrouted" or violations > 0 and "ineligible" or "eligible"
  if c then
    local receiver = c.receiver_by_region and LOCAL_RECEIVER[region] or c.receiver
    local d = receiver and DEPT[receiver]
    local until_ = c.materials_until
    if until_ and c.authority == SERVICE_CENTER then until_ = until_ .. "T17:00" end
    put('{"id":') put(encode(r.id)) put(',"committee":') put(encode(name))
    put(',"authority":') put(str(c.authority)) put(',"organizer":') put(str(c.organizer))
    put(',"receiver":') put(str(receiver)) put(',"receiver_address":') put(str(d and d[1]))
    put(',"receiver_phone":') put(str(d and d[2])) put(',"review_mode":') put(str(c.review_mode))
    put(',"online_from":') put(str(c.online_from)) put(',"online_to":') put(str(c.online_to))
    put(',"materials_from":') put(str(c.materials_from)) put(',"materials_until":') put(str(until_))
    put(',"schedule_note":') put(str(c.schedule_note))
  else
    put('{"id":') put(encode(r.id))
    put(',"committee":null,"authority":null,"organizer":null,"receiver":null,"receiver_address":null,' ..
      '"receiver_phone":null,"review_mode":null,"online_from":null,"online_to":null,"materials_from":null,' ..
      '"materials_until":null,"schedule_note":null')
  end
  put(',"interview":"') put(interview) put('","review_allowed":') put(level ~= "正高级" and "true" or "false")
  put(',"tenure_years":') put(num(tenure)) put(',"status":"') put(status) put('","findings":[')
  for i = 1, nf do put(f[i]) end
  put("]}\n")
end

local lines = 0
for line in io.lines() do
  decide(decode(line))
  lines = lines + 1
  if lines == 256 then
    io.write(concat(out, "", 1, n))
    n, lines = 0, 0
  end
end
if n > 0 then io.write(concat(out, "", 1, n)) end
