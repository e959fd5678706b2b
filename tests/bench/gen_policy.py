#!/usr/bin/env python3
"""gen_policy.py: a deterministic policy with many routes, for `make bench`.

    gen_policy.py ROUTES POLICY.pol OUT.pol [SPECIALTIES.txt]

Takes the 2024 policy and adds K generated specialties (G0001 ...) to its key enum 专业, each with four routes
in clause 一: a 高级 route, a city-wide 中级/初级 route, and two regional exceptions (region == R, and region in
{R', R''}) to it, so that the policy has exactly ROUTES routes. Each generated specialty gets its own 高级 and
中级 committees; the regional exceptions go to committees of the 2024 policy. Everything else (records, rules,
outputs) is the 2024 policy's, so the same records decide under it. SPECIALTIES.txt, when given, receives
every value of 专业, one a line (the bench spreads its records over them)."""
import re
import sys

REGIONS = ["市本级", "姑苏", "吴中", "相城", "高新区", "工业园区", "吴江", "昆山", "张家港", "常熟", "太仓"]
REGIONAL_TARGETS = [
    "昆山市建设工程中级专业技术资格评审委员会",
    "吴江区机械工程、数字经济（电子信息）工程中级专业技术资格评审委员会",
    "苏州工业园区化工工程中级专业技术资格评审委员会",
    "苏州市环保工程中级专业技术资格评审委员会",
]
ROUTES_PER_SPECIALTY = 4


def main():
    total, src_path, out_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    src = open(src_path, encoding="utf-8").read()
    existing = len(re.findall(r"^\s*route\s", src, re.M))
    extra = total - existing
    if extra < 0 or extra % ROUTES_PER_SPECIALTY:
        sys.exit("gen_policy.py: %d routes is not %d + a multiple of %d" % (total, existing, ROUTES_PER_SPECIALTY))
    k = extra // ROUTES_PER_SPECIALTY
    names = ["G%05d" % (i + 1) for i in range(k)]

    m = re.search(r"enum 专业 \{(.*?)\}", src, re.S)
    originals = m.group(1).split()
    enum = "enum 专业 {\n  %s\n  %s\n}" % (" ".join(originals), "\n  ".join(
        " ".join(names[i:i + 20]) for i in range(0, k, 20)))
    src = src[:m.start()] + enum + src[m.end():]

    committees, routes = [], []
    for i, g in enumerate(names):
        day = 1 + i % 28
        for level, tag in (("高级", "H"), ("中级", "M")):
            committees.append(
                "评委会 %s%s评委会 {\n  authority = \"%s市人社局\"  receiver_by_region = %s  review_mode = %s\n"
                "  online_from = 2024-03-%02d  online_to = 2024-05-%02d  materials_until = 2024-06-%02d\n}\n"
                % (g, tag, g, "true" if i % 2 else "false",
                   "无纸化评审" if i % 3 else "纸质材料评审", day, day, day))
        r1 = REGIONS[i % len(REGIONS)]
        r2, r3 = REGIONS[(i + 3) % len(REGIONS)], REGIONS[(i + 7) % len(REGIONS)]
        routes.append("  route %s 高级 -> %sH评委会" % (g, g))
        routes.append("  route %s 中级, 初级 -> %sM评委会" % (g, g))
        routes.append("  route %s 中级, 初级 where region == %s -> %s"
                      % (g, r1, REGIONAL_TARGETS[i % len(REGIONAL_TARGETS)]))
        routes.append("  route %s 中级, 初级 where region in {%s, %s} -> %s"
                      % (g, r2, r3, REGIONAL_TARGETS[(i + 1) % len(REGIONAL_TARGETS)]))

    at = src.index("# ==== 规则")
    src = src[:at] + "# ==== generated committees ====\n" + "".join(committees) + "\n" + src[at:]
    at = src.index("  warning when routed == null")
    src = src[:at] + "  # ==== generated routes ====\n" + "\n".join(routes) + "\n\n" + src[at:]
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(src)
    if len(sys.argv) > 4:
        with open(sys.argv[4], "w", encoding="utf-8") as f:
            f.write("\n".join(originals + names) + "\n")


if __name__ == "__main__":
    main()
