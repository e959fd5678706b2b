" syntax/poltest.vim: highlighting for .poltest files (polc test; doc/language.md, "Policy tests")
if exists("b:current_syntax")
  finish
endif
syn match   poltestKeyword "^\s*\(base\|case\|record\|expect\|findings\)\>"
syn match   poltestCase    "^\s*case\s\+\zs\S\+" 
syn keyword poltestKind    violation todo warning none
syn region  poltestString  start=+"+ skip=+\\\\\|\\"+ end=+"+
syn match   poltestComment "^\s*#.*$"
hi def link poltestKeyword Statement
hi def link poltestCase    Label
hi def link poltestKind    Exception
hi def link poltestString  String
hi def link poltestComment Comment
let b:current_syntax = "poltest"
