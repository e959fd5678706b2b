#!/bin/sh
# amend.sh: write the HYPOTHETICAL amendment of the 2024 policy (three sed edits of policies/suzhou-2024.pol) to
# standard output, so that the example follows every later edit of the real policy.
# usage: examples/amendment/amend.sh [policies/suzhou-2024.pol] > suzhou-2024-amended.pol
src=${1:-policies/suzhou-2024.pol}
sed -e '1i\
# HYPOTHETICAL AMENDMENT, made up for examples/amendment/ (doc/auditing.md). It is NOT a real notice: generated\
# from policies/suzhou-2024.pol by examples/amendment/amend.sh with three edits (deadline, phone, route).' \
    -e 's/^policy \("[^"]*"\) version "\([^"]*\)"/policy \1 version "\2-hypothetical-amendment"/' \
    -e '/^评委会 苏州市交通工程技术中级资格评审委员会 /,/^}/s/materials_until = 2024-06-14/materials_until = 2024-06-28/' \
    -e '/^部门 吴江区职称评价中心 /,/^}/s/phone = "63950287"/phone = "63950288"/' \
    -e '/^  route 机械, 电子信息 中级, 初级 where region == 吴江 -> /a\
  # HYPOTHETICAL: the 吴江 committee now also accepts 集成电路 初级 from 吴江\
  route 集成电路 初级 where region == 吴江 -> 吴江区机械工程、数字经济（电子信息）工程中级专业技术资格评审委员会' \
    "$src"
