/* decide_jansson.c: the 2024 Suzhou decisions written by hand in plain C on jansson (a baseline for `make bench`):
 * JSON Lines of contract-valid applicants on stdin, one decision per line on stdout. Records are parsed into a
 * jansson tree and each decision is built as a jansson object and dumped, as an embedder using jansson would.
 * It does not validate records (the bench feeds only valid ones). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct dept {
    const char *name, *address, *phone;
} dept;
typedef struct committee {
    const char *name, *authority, *organizer, *receiver;
    int receiver_by_region;
    const char *review_mode, *online_from, *online_to, *materials_from, *materials_until, *schedule_note;
} committee;
typedef struct route {
    const char *specialties, *levels, *region, *committee;
} route;

/* 附件2: departments */
static const dept DEPTS[] = {
    {"苏州市专业技术人员服务中心", "苏州市桐泾北路11号综合楼1楼", "69820556"},
    {"姑苏区高层次人才一站式服务中心", "解放东路117号姑苏区政务服务中心2楼39号窗口", "68723212"},
    {"吴中区人社局人力资源管理科", "吴中区越溪苏街198号吴中商务中心B楼718室", "65252790"},
    {"吴江区职称评价中心", "吴江区开平路3688号水秀天地苏州湾大厦2楼民生业务服务区", "63950287"},
    {"相城区人力资源管理服务中心", "阳澄湖东路8号行政中心3号楼相城区人力资源和社会保障局206室", "67591831"},
    {"张家港市人社局人才开发与专业技术人员管理科", "张家港市华昌路3号港城大厦608室", "58173520"},
    {"常熟市人社局人才开发与专业技术人员管理科", "常熟市新颜路215号1号楼507室", "52805322"},
    {"太仓市人社局人才与职技管理科", "太仓市十八港路29号1310室", "53542494"},
    {"昆山市人社局职业能力建设与专业技术人员管理科", "昆山人力资源市场人才全链服务大厅7号窗口（崂山路9号）", "57327111"},
    {"苏州工业园区生物医药产业促进会", "苏州工业园区星湖街218号B2楼1楼生物医药产业综合服务中心", "67991580-6006"},
    {"苏州市环保产业协会", "苏州市姑苏区桂和坊4号3楼", "65204086"},
    {"苏州市综合交通运输学会", "苏州市南环东路1号南5楼", "68355227"},
    {"苏州市纺织工业协会", "苏州市姑苏区养育巷415号10幢2楼", "65163472"},
    {"苏州市冶金行业协会", "张家港市锦丰镇永新路1号行政大楼11楼1102", "58568850 58566902"},
    {"苏州市市场监督管理局", "苏州市姑苏区平泖路188号东楼1107", "69851127"},
    {"中共苏州市委网络安全和信息化委员会办公室", "苏州市姑苏区三香路998号5号楼12楼1212", "68610242"},
    {"江苏省工业互联网发展研究中心", "苏州市吴江区鲈乡南路501号", "60908902"},
    {"苏州中科集成电路设计中心有限公司", "苏州工业园区金鸡湖大道1355号国际科技园一期6幢161、162", "62889085 62889065"},
    {"梧桐链数字科技研究院（苏州）有限公司", "苏州市相城区高铁新城青龙港路66号领寓商务广场12楼", "66188618"},
    {"苏州工业园区人力资源开发有限公司", NULL, NULL}, /* 附件2 gives no address or phone */
};
/* 附件1: committees */
static const committee COMMITTEES[] = {
    {"江苏省苏州市建设工程高级专业技术资格评审委员会", "苏州市专业技术人员服务中心", NULL, NULL, 1, "无纸化评审",
     "2024-02-20", "2024-04-19", NULL, "2024-04-30", NULL},
    {"江苏省苏州市机械工程高级专业技术资格评审委员会", "苏州市专业技术人员服务中心", NULL, NULL, 1, "无纸化评审",
     "2024-02-20", "2024-04-19", NULL, "2024-04-30", NULL},
    {"江苏省苏州市数字经济（电子信息）工程高级专业技术资格评审委员会", "苏州市专业技术人员服务中心", NULL, NULL, 1, "无纸化评审",
     "2024-02-20", "2024-04-19", NULL, "2024-04-30", NULL},
    {"江苏省苏州市化工工程高级专业技术资格评审委员会", "苏州市专业技术人员服务中心", NULL, NULL, 1, "无纸化评审",
     "2024-02-20", "2024-04-19", NULL, "2024-04-30", NULL},
    {"苏州市建设工程技术中级资格评审委员会", "苏州市专业技术人员服务中心", NULL, NULL, 1, "无纸化评审",
     "2024-02-20", "2024-04-19", NULL, "2024-04-30", NULL},
    {"苏州市数字经济（电子信息）工程技术中级资格评审委员会", "苏州市专业技术人员服务中心", NULL, NULL, 1, "无纸化评审",
     "2024-02-20", "2024-04-19", NULL, "2024-04-30", NULL},
    {"苏州市机械工程技术中级资格评审委员会", "苏州市专业技术人员服务中心", NULL, NULL, 1, "无纸化评审",
     "2024-02-20", "2024-04-19", NULL, "2024-04-30", NULL},
    {"苏州市化学工程技术中级资格评审委员会", "苏州市专业技术人员服务中心", NULL, NULL, 1, "无纸化评审",
     "2024-02-20", "2024-04-19", NULL, "2024-04-30", NULL},
    {"苏州市水利水务专业技术中级资格评审委员会", "苏州市专业技术人员服务中心", NULL, NULL, 1, "无纸化评审",
     "2024-02-20", "2024-04-19", NULL, "2024-04-30", NULL},
    {"苏州市轻工工程专业技术中级资格评审委员会", "苏州市专业技术人员服务中心", NULL, NULL, 1, "无纸化评审",
     "2024-02-20", "2024-04-19", NULL, "2024-04-30", NULL},
    {"苏州市药学专业（药品）中级专业技术资格评审委员会", "苏州市专业技术人员服务中心", NULL, NULL, 1, "无纸化评审",
     "2024-02-20", "2024-04-19", NULL, "2024-04-30", NULL},
    {"苏州市高技能人才中级专业技术资格评审委员会", NULL, NULL, NULL, 1, "无纸化评审",
     "2024-02-20", "2024-04-19", NULL, "2024-04-30", NULL},
    {"苏州市技工学校教师中级资格评审委员会", "苏州市专业技术人员服务中心", NULL, NULL, 1, "无纸化评审",
     "2024-02-20", "2024-04-19", NULL, "2024-04-30", NULL},
    {"江苏省苏州市生物医药工程高级专业技术资格（副高）评审委员会", "工业园区人社局", "苏州工业园区生物医药产业促进会", "苏州工业园区生物医药产业促进会", 0, "无纸化评审",
     "2024-02-20", "2024-04-19", "2024-04-01", "2024-05-10", NULL},
    {"苏州市生物医药工程技术中级资格评审委员会", "工业园区人社局", "苏州工业园区生物医药产业促进会", "苏州工业园区生物医药产业促进会", 0, "无纸化评审",
     "2024-02-20", "2024-04-19", "2024-04-01", "2024-05-10", NULL},
    {"苏州工业园区化工工程中级专业技术资格评审委员会", "工业园区人社局", "苏州工业园区生物医药产业促进会", "苏州工业园区生物医药产业促进会", 0, "无纸化评审",
     "2024-02-20", "2024-04-19", "2024-04-01", "2024-05-10", NULL},
    {"昆山市建设工程中级专业技术资格评审委员会", "昆山市人社局", NULL, "昆山市人社局职业能力建设与专业技术人员管理科", 0, "无纸化评审",
     "2024-02-20", "2024-04-19", NULL, "2024-04-30", NULL},
    {"昆山市机械工程、数字经济（电子信息）中级专业技术资格评审委员会", "昆山市人社局", NULL, "昆山市人社局职业能力建设与专业技术人员管理科", 0, "无纸化评审",
     "2024-02-20", "2024-04-19", NULL, "2024-04-30", NULL},
    {"吴江区机械工程、数字经济（电子信息）工程中级专业技术资格评审委员会", "吴江区人社局", NULL, "吴江区职称评价中心", 0, "无纸化评审",
     "2024-02-20", "2024-04-19", NULL, "2024-04-30", NULL},
    {"苏州市环保工程中级专业技术资格评审委员会", "苏州市环保产业协会", NULL, "苏州市环保产业协会", 0, "无纸化评审",
     "2024-02-20", "2024-04-19", NULL, "2024-04-30", NULL},
    {"苏州工业园区机械工程、数字经济（电子信息）工程中级专业技术资格评审委员会", "工业园区人社局", "苏州工业园区人力资源开发有限公司", "苏州工业园区人力资源开发有限公司", 0, "无纸化评审",
     "2024-02-20", "2024-04-19", "2024-04-01", "2024-05-10", NULL},
    {"苏州市交通工程技术中级资格评审委员会", "苏州市综合交通运输学会", NULL, "苏州市综合交通运输学会", 0, "无纸化评审",
     "2024-03-18", "2024-05-31", NULL, "2024-06-14", NULL},
    {"江苏省苏州市数字经济（集成电路）工程高级专业技术资格评审委员会", "工业园区人社局", "苏州中科集成电路设计中心有限公司", "苏州中科集成电路设计中心有限公司", 0, "无纸化评审",
     "2024-02-26", "2024-05-06", "2024-05-06", "2024-05-17", NULL},
    {"苏州市数字经济（集成电路）工程中级专业技术资格评审委员会", "工业园区人社局", "苏州中科集成电路设计中心有限公司", "苏州中科集成电路设计中心有限公司", 0, "无纸化评审",
     "2024-02-26", "2024-05-06", "2024-05-06", "2024-05-17", NULL},
    {"江苏省苏州市数字经济（工业互联网）工程高级专业技术资格评审委员会", "吴江区人社局", "江苏省工业互联网发展研究中心", "江苏省工业互联网发展研究中心", 0, "无纸化评审",
     "2024-02-26", "2024-05-06", "2024-05-06", "2024-05-17", NULL},
    {"苏州市数字经济（工业互联网）工程中级专业技术资格评审委员会", "吴江区人社局", "江苏省工业互联网发展研究中心", "江苏省工业互联网发展研究中心", 0, "无纸化评审",
     "2024-02-26", "2024-05-06", "2024-05-06", "2024-05-17", NULL},
    {"江苏省苏州市数字经济（区块链）工程高级专业技术资格评审委员会", "相城区人社局", "梧桐链数字科技研究院（苏州）有限公司", "梧桐链数字科技研究院（苏州）有限公司", 0, "无纸化评审",
     "2024-02-26", "2024-05-06", "2024-05-06", "2024-05-17", NULL},
    {"苏州市数字经济（区块链）工程中级专业技术资格评审委员会", "相城区人社局", "梧桐链数字科技研究院（苏州）有限公司", "梧桐链数字科技研究院（苏州）有限公司", 0, "无纸化评审",
     "2024-02-26", "2024-05-06", "2024-05-06", "2024-05-17", NULL},
    {"苏州市数字经济（网络安全）工程中级专业技术资格评审委员会", "中共苏州市委网信办", NULL, "中共苏州市委网络安全和信息化委员会办公室", 0, "纸质材料评审",
     NULL, NULL, NULL, NULL, "网上报名时间为3月-6月 申报材料受理截止时间以受理部门通知为准"},
    {"苏州市冶金工程技术中级资格评审委员会", "苏州市冶金行业协会", NULL, "苏州市冶金行业协会", 0, "无纸化评审",
     NULL, NULL, NULL, NULL, "网上报名时间为3月初-5月底 申报材料受理截止时间以受理部门通知为准"},
    {"苏州市纺织丝绸工程技术中级资格评审委员会", "苏州市纺织工业协会", NULL, "苏州市纺织工业协会", 0, "无纸化评审",
     "2024-04-01", "2024-07-31", NULL, "2024-08-31", NULL},
    {"苏州市质量工程中级专业技术资格评审委员会", "苏州市市场监督管理局", NULL, "苏州市市场监督管理局", 0, "纸质材料评审",
     NULL, NULL, NULL, NULL, "网上报名时间为5月-8月 申报材料受理截止时间以受理部门通知为准"},
};
/* 一: routes (specialties and levels separated by "|", region or NULL, committee) */
static const route ROUTES[] = {
    {"|建设|", "|高级|", NULL, "江苏省苏州市建设工程高级专业技术资格评审委员会"},
    {"|机械|", "|高级|", NULL, "江苏省苏州市机械工程高级专业技术资格评审委员会"},
    {"|电子信息|", "|高级|", NULL, "江苏省苏州市数字经济（电子信息）工程高级专业技术资格评审委员会"},
    {"|化工|", "|高级|", NULL, "江苏省苏州市化工工程高级专业技术资格评审委员会"},
    {"|建设|", "|中级|初级|", NULL, "苏州市建设工程技术中级资格评审委员会"},
    {"|电子信息|", "|中级|初级|", NULL, "苏州市数字经济（电子信息）工程技术中级资格评审委员会"},
    {"|机械|", "|中级|初级|", NULL, "苏州市机械工程技术中级资格评审委员会"},
    {"|化工|", "|中级|初级|", NULL, "苏州市化学工程技术中级资格评审委员会"},
    {"|水利|", "|中级|初级|", NULL, "苏州市水利水务专业技术中级资格评审委员会"},
    {"|轻工|", "|中级|初级|", NULL, "苏州市轻工工程专业技术中级资格评审委员会"},
    {"|药学|", "|中级|初级|", NULL, "苏州市药学专业（药品）中级专业技术资格评审委员会"},
    {"|技工学校教师|", "|中级|初级|", NULL, "苏州市技工学校教师中级资格评审委员会"},
    {"|高技能人才|", "|中级|初级|", NULL, "苏州市高技能人才中级专业技术资格评审委员会"},
    {"|生物医药|", "|高级|", NULL, "江苏省苏州市生物医药工程高级专业技术资格（副高）评审委员会"},
    {"|生物医药|", "|中级|初级|", NULL, "苏州市生物医药工程技术中级资格评审委员会"},
    {"|化工|", "|中级|初级|", "工业园区", "苏州工业园区化工工程中级专业技术资格评审委员会"},
    {"|建设|", "|中级|初级|", "昆山", "昆山市建设工程中级专业技术资格评审委员会"},
    {"|机械|电子信息|", "|中级|初级|", "昆山", "昆山市机械工程、数字经济（电子信息）中级专业技术资格评审委员会"},
    {"|机械|电子信息|", "|中级|初级|", "吴江", "吴江区机械工程、数字经济（电子信息）工程中级专业技术资格评审委员会"},
    {"|机械|电子信息|", "|中级|初级|", "工业园区", "苏州工业园区机械工程、数字经济（电子信息）工程中级专业技术资格评审委员会"},
    {"|环保|", "|中级|初级|", NULL, "苏州市环保工程中级专业技术资格评审委员会"},
    {"|交通|", "|中级|初级|", NULL, "苏州市交通工程技术中级资格评审委员会"},
    {"|集成电路|", "|高级|", NULL, "江苏省苏州市数字经济（集成电路）工程高级专业技术资格评审委员会"},
    {"|集成电路|", "|中级|初级|", NULL, "苏州市数字经济（集成电路）工程中级专业技术资格评审委员会"},
    {"|工业互联网|", "|高级|", NULL, "江苏省苏州市数字经济（工业互联网）工程高级专业技术资格评审委员会"},
    {"|工业互联网|", "|中级|初级|", NULL, "苏州市数字经济（工业互联网）工程中级专业技术资格评审委员会"},
    {"|区块链|", "|高级|", NULL, "江苏省苏州市数字经济（区块链）工程高级专业技术资格评审委员会"},
    {"|区块链|", "|中级|初级|", NULL, "苏州市数字经济（区块链）工程中级专业技术资格评审委员会"},
    {"|网络安全|", "|中级|初级|", NULL, "苏州市数字经济（网络安全）工程中级专业技术资格评审委员会"},
    {"|冶金|", "|中级|初级|", NULL, "苏州市冶金工程技术中级资格评审委员会"},
    {"|纺织|", "|中级|初级|", NULL, "苏州市纺织丝绸工程技术中级资格评审委员会"},
    {"|质量|", "|中级|初级|", NULL, "苏州市质量工程中级专业技术资格评审委员会"},
};

#define COUNT(a) (sizeof(a) / sizeof(a)[0])
static const char SERVICE_CENTER[] = "苏州市专业技术人员服务中心";

/* 附件1: receivers by region, for committees with receiver_by_region */
static const char *local_receiver(const char *region) {
    static const char *const map[][2] = {
        {"工业园区", SERVICE_CENTER}, {"高新区", SERVICE_CENTER}, {"市本级", SERVICE_CENTER},
        {"姑苏", "姑苏区高层次人才一站式服务中心"}, {"吴中", "吴中区人社局人力资源管理科"},
        {"相城", "相城区人力资源管理服务中心"}, {"吴江", "吴江区职称评价中心"},
        {"昆山", "昆山市人社局职业能力建设与专业技术人员管理科"},
        {"张家港", "张家港市人社局人才开发与专业技术人员管理科"},
        {"常熟", "常熟市人社局人才开发与专业技术人员管理科"}, {"太仓", "太仓市人社局人才与职技管理科"},
    };
    for (size_t i = 0; i < COUNT(map); i++)
        if (strcmp(map[i][0], region) == 0) return map[i][1];
    return NULL;
}

static int in_list(const char *list, const char *value) { /* list is "|a|b|" */
    size_t n = strlen(value);
    for (const char *p = strstr(list, value); p != NULL; p = strstr(p + 1, value))
        if (p[-1] == '|' && p[n] == '|') return 1;
    return 0;
}

/* a regional route beats the city-wide one of the same cell */
static const committee *route_of(const char *spec, const char *level, const char *region) {
    const char *found = NULL;
    for (size_t i = 0; i < COUNT(ROUTES); i++) {
        const route *r = &ROUTES[i];
        if (!in_list(r->specialties, spec) || !in_list(r->levels, level)) continue;
        if (r->region == NULL) {
            if (found == NULL) found = r->committee;
        } else if (strcmp(r->region, region) == 0) {
            found = r->committee;
            break;
        }
    }
    for (size_t i = 0; found != NULL && i < COUNT(COMMITTEES); i++)
        if (strcmp(COMMITTEES[i].name, found) == 0) return &COMMITTEES[i];
    return NULL;
}

static const dept *dept_of(const char *name) {
    for (size_t i = 0; name != NULL && i < COUNT(DEPTS); i++)
        if (strcmp(DEPTS[i].name, name) == 0) return &DEPTS[i];
    return NULL;
}

/* field helpers: null or absent take the default */
static int get_bool(const json_t *o, const char *k, int d) {
    json_t *v = json_object_get(o, k);
    return v == NULL || json_is_null(v) ? d : json_is_true(v);
}
static double get_num(const json_t *o, const char *k, double d) {
    json_t *v = json_object_get(o, k);
    return v == NULL || json_is_null(v) ? d : json_number_value(v);
}
static const char *get_str(const json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}
static json_t *get_list(const json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_array(v) ? v : NULL;
}
static json_t *str_or_null(const char *s) { return s != NULL ? json_string(s) : json_null(); }

typedef struct findings {
    json_t *array;
    int violations;
} findings;

static void add(findings *f, const char *clause, const char *kind, const char *message) {
    json_t *o = json_object();
    json_object_set_new(o, "clause", json_string(clause));
    json_object_set_new(o, "kind", json_string(kind));
    json_object_set_new(o, "message", json_string(message));
    json_array_append_new(f->array, o);
    if (strcmp(kind, "violation") == 0) f->violations++;
}

/* 三: distinct years first <= y <= 2023 with an entry that passes */
enum { ENGINEER, SENIOR, FULL };
static int count_years(const json_t *ce, int first, int which) {
    char seen[64] = {0};
    int n = 0;
    size_t i;
    json_t *e;
    json_array_foreach(ce, i, e) {
        int y = (int)json_integer_value(json_object_get(e, "year"));
        if (y < first || y > 2023 || (y >= 1960 && seen[y - 1960])) continue;
        double h = get_num(e, "hours", 0), x = get_num(e, "xxqg_points", 0), p = get_num(e, "professional_hours", 0);
        int pass = which == ENGINEER ? (h >= 14 || (y >= 2020 && x >= 500))
                   : which == SENIOR ? (h >= 24 || (y >= 2020 && x >= 1000))
                                     : (h + p >= 72 || (y >= 2020 && x >= 1000 && p >= 48));
        if (pass) {
            if (y >= 1960) seen[y - 1960] = 1;
            n++;
        }
    }
    return n;
}

static json_t *decide(const json_t *r) {
    const char *spec = get_str(r, "specialty"), *level = get_str(r, "level"), *region = get_str(r, "region");
    char msg[1024];
    findings f = {json_array(), 0};
    const committee *c = route_of(spec, level, region);
    if (c == NULL) {
        snprintf(msg, sizeof msg, "%s%s不在本通知附件1所列评委会的受理范围内，本通知无受理部门", spec, level);
        add(&f, "一", "warning", msg);
    }
    const char *ctd = get_str(r, "current_title_date");
    int title_year = atoi(ctd), first = title_year + 1;
    json_t *ce = get_list(r, "ce"), *papers = get_list(r, "papers"), *subs = get_list(r, "substitutes");
    int is_mid = strcmp(level, "中级") == 0, is_high = strcmp(level, "高级") == 0, is_full = strcmp(level, "正高级") == 0;
    if (is_mid || is_high) {
        int n = count_years(ce, first, is_mid ? ENGINEER : SENIOR);
        if (n < 4) {
            if (is_mid)
                snprintf(msg, sizeof msg, "申报工程师需取得助理工程师以来至少4年、每年14学时的公共科目培训（或自2020年起每年500学习强国学分），现仅%d年达标", n);
            else
                snprintf(msg, sizeof msg, "申报高级工程师需取得工程师以来至少4年、每年24学时的公共科目培训（或自2020年起每年1000学习强国学分），现仅%d年达标", n);
            add(&f, "三(一)", "violation", msg);
        }
    } else if (is_full) {
        int due = 2023 - first + 1, n = count_years(ce, first, FULL);
        if (due < 0) due = 0;
        if (n < due) {
            snprintf(msg, sizeof msg, "申报正高级工程师需取得副高级职称以来每年不少于72学时继续教育（或自2020年起1000学习强国学分并完成48学时专业科目），%d个年度中有%d年未达标", due, due - n);
            add(&f, "三(二)", "violation", msg);
        }
    }
    if (!get_bool(r, "self_assessment_uploaded", 0)) add(&f, "四(一)", "todo", "请在申报系统中上传《能力业绩自评表》至“其他材料”");
    size_t i;
    json_t *p;
    json_array_foreach(papers, i, p) {
        const char *t = get_str(p, "title");
        if (!get_bool(p, "first_author", 1)) {
            snprintf(msg, sizeof msg, "论文《%s》非独立完成或第一作者撰写", t);
            add(&f, "四(二)", "warning", msg);
        }
        if (get_bool(p, "foreign", 0) && !get_bool(p, "translated", 0)) {
            snprintf(msg, sizeof msg, "论文《%s》为外文撰写或发表，未提供中文译稿", t);
            add(&f, "四(二)", "violation", msg);
        }
        double sim = get_num(p, "similarity", 0);
        if (sim > 30) {
            snprintf(msg, sizeof msg, "论文《%s》查重率%.15g%%，超过30%%", t, sim);
            add(&f, "四(二)", "violation", msg);
        }
    }
    const char *interview = is_high ? (get_bool(r, "exceptional", 0) || !get_bool(r, "major_matches", 1) ? "required" : "possible")
                            : is_full ? "required" : "none";
    if (strcmp(get_str(r, "submitted_by"), "中介") == 0)
        add(&f, "八(一)", "violation", "中心不受理中介公司代为申报的材料，申报材料须由所在单位或本人直接递交");
    long apps = (long)get_num(r, "applications_this_year", 1);
    if (apps > 1) {
        snprintf(msg, sizeof msg, "同一年度只能向一个评审委员会提出申请，本年度申报了%ld个评委会", apps);
        add(&f, "八(二)", "violation", msg);
    }
    int tenure = 2023 - title_year; /* whole years to 2023-12-31 */
    if (tenure < 0) tenure = 0;
    json_array_foreach(papers, i, p) {
        const char *d = get_str(p, "date");
        if (strcmp(d, "2024-04-30") > 0) {
            snprintf(msg, sizeof msg, "论文《%s》日期%s晚于成果截止时间2024-04-30，不予计算", get_str(p, "title"), d);
            add(&f, "八(三)", "warning", msg);
        }
    }
    const char *ird = get_str(r, "integrity_record_date");
    if (ird != NULL) {
        char ends[16];
        snprintf(ends, sizeof ends, "%04d%s", atoi(ird) + 3, ird + 4); /* + 3 years; 29 Feb compares like 28 Feb */
        if (strcmp(ends, "2024-01-10") > 0) {
            snprintf(msg, sizeof msg, "诚信档案自%s起记有学术造假或职业道德失范记录，记录期3年未满，一票否决", ird);
            add(&f, "八(四)", "violation", msg);
        }
    }
    size_t nsubs = subs != NULL ? json_array_size(subs) : 0;
    json_t *s;
    json_array_foreach(subs, i, s) {
        if ((is_high || is_full) && get_bool(s, "also_as_achievement", 0)) {
            snprintf(msg, sizeof msg, "替代论文的%s已作学术成果，不得再作为业绩重复使用", get_str(s, "kind"));
            add(&f, "九(三)", "violation", msg);
        }
    }
    if (!is_high && !is_full && nsubs > 0) {
        snprintf(msg, sizeof msg, "仅申报高级职称可用发明专利、标准等替代论文，申报%s所列%zu项替代成果不作论文替代", level, nsubs);
        add(&f, "九(三)", "warning", msg);
    }
    long patents = (long)get_num(r, "patents_as_achievement", 0), awards = (long)get_num(r, "awards", 0);
    if (patents > 0 && !get_bool(r, "patent_benefit_proof", 0)) {
        snprintf(msg, sizeof msg, "作为业绩的%ld项专利需提供相应的社会、经济效益证明材料", patents);
        add(&f, "九(四)", "todo", msg);
    }
    if (awards > 0 && !get_bool(r, "award_proof", 0)) {
        snprintf(msg, sizeof msg, "提交的%ld项获奖成果需提交相应的专题证明材料", awards);
        add(&f, "九(五)", "todo", msg);
    }
    json_array_foreach(papers, i, p) {
        if (!get_bool(p, "matches_specialty", 1)) {
            snprintf(msg, sizeof msg, "论文《%s》内容与申报的专业类别不一致", get_str(p, "title"));
            add(&f, "九(六)", "violation", msg);
        }
    }
    const char *unit = get_str(r, "unit_type");
    if (unit != NULL && strcmp(unit, "本地") != 0) {
        snprintf(msg, sizeof msg, "%s单位人员须经主管部门同意，向所在设区市人社局提交委托评审函，核准后方可受理", unit);
        add(&f, "九(七)", "todo", msg);
    }

    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(get_str(r, "id")));
    const char *receiver = c == NULL ? NULL : c->receiver_by_region ? local_receiver(region) : c->receiver;
    const dept *d = dept_of(receiver);
    char until[32];
    const char *materials_until = c != NULL ? c->materials_until : NULL;
    if (materials_until != NULL && c->authority != NULL && strcmp(c->authority, SERVICE_CENTER) == 0) {
        snprintf(until, sizeof until, "%sT17:00", materials_until);
        materials_until = until;
    }
    json_object_set_new(o, "committee", str_or_null(c ? c->name : NULL));
    json_object_set_new(o, "authority", str_or_null(c ? c->authority : NULL));
    json_object_set_new(o, "organizer", str_or_null(c ? c->organizer : NULL));
    json_object_set_new(o, "receiver", str_or_null(receiver));
    json_object_set_new(o, "receiver_address", str_or_null(d ? d->address : NULL));
    json_object_set_new(o, "receiver_phone", str_or_null(d ? d->phone : NULL));
    json_object_set_new(o, "review_mode", str_or_null(c ? c->review_mode : NULL));
    json_object_set_new(o, "online_from", str_or_null(c ? c->online_from : NULL));
    json_object_set_new(o, "online_to", str_or_null(c ? c->online_to : NULL));
    json_object_set_new(o, "materials_from", str_or_null(c ? c->materials_from : NULL));
    json_object_set_new(o, "materials_until", str_or_null(materials_until));
    json_object_set_new(o, "schedule_note", str_or_null(c ? c->schedule_note : NULL));
    json_object_set_new(o, "interview", json_string(interview));
    json_object_set_new(o, "review_allowed", json_boolean(!is_full));
    json_object_set_new(o, "tenure_years", json_integer(tenure));
    json_object_set_new(o, "status", json_string(c == NULL ? "unrouted" : f.violations ? "ineligible" : "eligible"));
    json_object_set_new(o, "findings", f.array);
    return o;
}

int main(void) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    static char out[1 << 16];
    while ((n = getline(&line, &cap, stdin)) > 0) {
        json_error_t err;
        json_t *r = json_loadb(line, (size_t)n, 0, &err);
        if (r == NULL) {
            fprintf(stderr, "decide_jansson: line not JSON: %s\n", err.text);
            return 2;
        }
        json_t *d = decide(r);
        size_t len = json_dumpb(d, out, sizeof out - 1, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (len >= sizeof out - 1) return 2;
        out[len] = '\n';
        fwrite(out, 1, len + 1, stdout);
        json_decref(d);
        json_decref(r);
    }
    free(line);
    return 0;
}
