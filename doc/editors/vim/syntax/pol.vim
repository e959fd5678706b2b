" syntax/pol.vim: highlighting for the pol policy language (doc/language.md).
" Keywords are those of compiler/scan/scanner.l; identifiers may be Chinese.
if exists("b:current_syntax")
  finish
endif

setlocal iskeyword=@,48-57,_,192-255
setlocal commentstring=#\ %s
setlocal expandtab shiftwidth=2 softtabstop=2

syn keyword polDeclaration policy version year enum record applicant entity const routing by
syn keyword polRule        route where unrouted let output for each in
syn keyword polFindingKind violation todo warning
syn keyword polWhen        when
syn keyword polType        list string int number bool date
syn keyword polConditional if then else match
syn keyword polOperator    not and or
syn keyword polBuiltin     count any all sum years at routed findings year years_between min max
syn keyword polBoolean     true false
syn keyword polNull        null

" `clause 三(一) "title" {`: the id runs to whitespace or `{`
syn match   polClauseKeyword "\<clause\>" nextgroup=polClauseId skipwhite
syn match   polClauseId      "[^ \t{#"][^ \t{]*" contained

" numbers first: a date, defined later, wins where both match
syn match   polNumber    "\<\d\+\(\.\d\+\)\?\>"
syn match   polDateTime  "\<\d\{4}-\d\{2}-\d\{2}\(T\d\{2}:\d\{2}\)\?\>"
syn match   polTime      "\(\<at\s\+\)\@<=\d\{2}:\d\{2}"
syn match   polOperatorSym "->\|==\|!=\|<=\|>=\|??\|\.\."

syn region  polString  start=+"+ skip=+\\\\\|\\"+ end=+"\|$+ contains=polEscape,polInterp
syn match   polEscape  +\\["\\{}nt]+ contained
syn region  polInterp  matchgroup=polInterpDelim start=+{+ end=+}+ contained
                       \ contains=polString,polNumber,polDateTime,polOperator,polBuiltin,polConditional,polBoolean,polNull

syn match   polComment "#.*$" contains=polTodoNote
syn keyword polTodoNote TODO FIXME XXX contained

hi def link polDeclaration Structure
hi def link polRule        Statement
hi def link polFindingKind Exception
hi def link polWhen        Conditional
hi def link polType        Type
hi def link polConditional Conditional
hi def link polOperator    Operator
hi def link polOperatorSym Operator
hi def link polBuiltin     Function
hi def link polBoolean     Boolean
hi def link polNull        Constant
hi def link polClauseKeyword Statement
hi def link polClauseId    Label
hi def link polDateTime    Constant
hi def link polTime        Constant
hi def link polNumber      Number
hi def link polString      String
hi def link polEscape      SpecialChar
hi def link polInterpDelim Delimiter
hi def link polComment     Comment
hi def link polTodoNote    Todo

let b:current_syntax = "pol"
